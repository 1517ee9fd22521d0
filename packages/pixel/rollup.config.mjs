import { dirname } from 'node:path';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

const ts = (declaration, outDir = 'dist') =>
  typescript({
    tsconfig: './tsconfig.build.json',
    outDir,
    ...(declaration ? { declaration: true, declarationDir: 'dist' } : {}),
  });

// dist/pixel.js has its console messages compiled out (src/debug.ts).
const silent = {
  name: 'silent',
  load: (id) => (/[/\\]src[/\\]debug\.ts$/.test(id) ? 'export const DEBUG = false;' : null),
};

// For the size budget only (scripts/size.mjs): pixel.js as it would be without the
// cross-subdomain cookie, written outside dist/ so that it is never published.
const noCookie = {
  name: 'no-cookie',
  load: (id) =>
    /[/\\]src[/\\]cookie\.ts$/.test(id)
      ? "export const NAME = 'clm_ref'; export const newest = (own) => own; export const share = () => {};"
      : null,
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
  plugins: [...plugins, ts(false, dirname(file)), minify, noFinalNewline],
});

export default [
  script('dist/pixel.js', [silent]),
  script('dist/pixel.debug.js', []),
  script('build/pixel.no-cookie.js', [silent, noCookie]),
  // Bundler users: exports only, no side effects on import.
  { input: 'src/index.ts', output: { dir: 'dist', format: 'es' }, plugins: [ts(true)] },
];
