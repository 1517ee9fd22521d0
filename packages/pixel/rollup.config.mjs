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
// cross-subdomain cookie, written outside dist/ so that it is never published: referral()
// is the page's own, within the window, as src/cookie.ts has it without a cookie domain.
const noCookie = {
  name: 'no-cookie',
  load: (id) =>
    /[/\\]src[/\\]cookie\.ts$/.test(id)
      ? `import { windowMs } from './config'; import { now } from './globals'; import { read } from './storage';
export const NAME = 'clm_ref'; export const share = () => {};
export const referral = () => { const ref = read(NAME); return now() - ref?.at < windowMs ? ref : null; };`
      : null,
};

// sequences: statements joined with commas are shorter, but separate ones repeat better:
// gzip makes dist/pixel.js 3-4 bytes smaller without them.
const minify = terser({
  ecma: 2021,
  compress: {
    passes: 3,
    unsafe: true,
    unsafe_arrows: true,
    pure_getters: true,
    sequences: false,
  },
  mangle: { toplevel: true },
});

// `const` costs two bytes more than `let` at every declaration, and the two keywords
// together compress worse than one; terser keeps them apart. In code that type-checks no
// `const` is ever reassigned, so `let` means the same.
const letNotConst = {
  name: 'let-not-const',
  renderChunk(code) {
    const starts = [];
    const walk = (node) => {
      if (Array.isArray(node)) for (const child of node) walk(child);
      else if (node && typeof node.type === 'string') {
        if (node.type === 'VariableDeclaration' && node.kind === 'const') starts.push(node.start);
        for (const value of Object.values(node))
          if (value && typeof value === 'object') walk(value);
      }
    };
    walk(this.parse(code));
    for (const start of starts.sort((a, b) => b - a)) {
      if (code.slice(start, start + 5) !== 'const') this.error(`no const at ${start}`);
      code = `${code.slice(0, start)}let${code.slice(start + 5)}`;
    }
    return { code, map: null };
  },
};

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
  plugins: [...plugins, ts(false, dirname(file)), letNotConst, minify, noFinalNewline],
});

export default [
  script('dist/pixel.js', [silent]),
  script('dist/pixel.debug.js', []),
  script('build/pixel.no-cookie.js', [silent, noCookie]),
  // Bundler users: exports only, no side effects on import.
  { input: 'src/index.ts', output: { dir: 'dist', format: 'es' }, plugins: [ts(true)] },
];
