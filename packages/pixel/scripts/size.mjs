// Prints what the script tags cost on every build; src/size.test.ts enforces the budget.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** The budget of dist/pixel.js without the cross-subdomain cookie, gzip -9 (PRODUCT.md). */
export const TARGET_GZIP = 1024;

/** The budget of dist/pixel.js with it, as this build ships it, gzip -9 (PRODUCT.md). */
export const TARGET_GZIP_WITH_COOKIE = 1152;

/** The builds measured, each with its budget (null: none). */
export const BUILDS = [
  { file: 'dist/pixel.js', budget: TARGET_GZIP_WITH_COOKIE },
  { file: 'build/pixel.no-cookie.js', budget: TARGET_GZIP },
  { file: 'dist/pixel.debug.js', budget: null },
];

/** Raw, gzip -9 and brotli -11 sizes of a file, in bytes (gzip as node's zlib makes it). */
export const measure = (file) => {
  const raw = readFileSync(file);
  return {
    raw: raw.length,
    gzip: gzipSync(raw, { level: 9 }).length,
    brotli: brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
};

/**
 * The size `gzip -9 -n < file | wc -c` reports, where a gzip binary exists (its deflate
 * differs from zlib's by a byte or two); null without one.
 */
export const gzipCli = (file) => {
  try {
    return execFileSync('gzip', ['-9', '-n', '-c', file]).length;
  } catch {
    return null;
  }
};

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const { file: name, budget: target } of BUILDS) {
    const file = fileURLToPath(new URL(`../${name}`, import.meta.url));
    const { raw, gzip, brotli } = measure(file);
    const cli = gzipCli(file);
    const budget =
      target === null
        ? 'console messages, no budget'
        : `budget ${target} B gzip, ${target - Math.max(gzip, cli ?? 0)} B left`;
    console.log(
      `[size] ${name}: raw ${raw} B, gzip ${gzip} B${cli === null ? '' : ` (gzip -9 -n: ${cli} B)`}, brotli ${brotli} B (${budget})`,
    );
  }
}
