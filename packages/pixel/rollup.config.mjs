import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

const ts = (declaration) =>
  typescript({
    tsconfig: './tsconfig.build.json',
    ...(declaration ? { declaration: true, declarationDir: 'dist' } : {}),
  });

// dist/pixel.js has its console messages compiled out (src/debug.ts).
const silent = {
  name: 'silent',
  load: (id) => (/[/\\]src[/\\]debug\.ts$/.test(id) ? 'export const DEBUG = false;' : null),
};

const minify = terser({
  ecma: 2021,
  compress: { passes: 3, unsafe: true, unsafe_arrows: true, pure_getters: true },
  mangle: { toplevel: true },
});

// Rollup ends a chunk with a newline: 3-4 bytes of gzip that the budget can use better.
const noFinalNewline = {
  name: 'no-final-newline',
  generateBundle(_, bundle) {
    for (const chunk of Object.values(bundle))
      if (chunk.type === 'chunk') chunk.code = chunk.code.trimEnd();
  },
};

// The script tag, silent and with messages: both boot from their own data-* attributes.
const script = (file, plugins) => ({
  input: 'src/iife.ts',
  output: { file, format: 'iife', strict: false },
  plugins: [...plugins, ts(false), minify, noFinalNewline],
});

export default [
  script('dist/pixel.js', [silent]),
  script('dist/pixel.debug.js', []),
  // Bundler users: exports only, no side effects on import.
  { input: 'src/index.ts', output: { dir: 'dist', format: 'es' }, plugins: [ts(true)] },
];
