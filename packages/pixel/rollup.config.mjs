import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

const ts = (declaration) =>
  typescript({
    tsconfig: './tsconfig.build.json',
    ...(declaration ? { declaration: true, declarationDir: 'dist' } : {}),
  });

export default [
  // The script tag: boots from its own data-* attributes.
  {
    input: 'src/iife.ts',
    output: { file: 'dist/pixel.js', format: 'iife', strict: false },
    plugins: [
      ts(false),
      terser({
        ecma: 2021,
        compress: { passes: 3, unsafe: true, unsafe_arrows: true, pure_getters: true },
        mangle: { toplevel: true, properties: { regex: /^_/ } },
      }),
    ],
  },
  // Bundler users: exports only, no side effects on import.
  {
    input: 'src/index.ts',
    output: { dir: 'dist', format: 'es' },
    plugins: [ts(true)],
  },
];
