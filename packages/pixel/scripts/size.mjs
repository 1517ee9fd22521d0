// Prints what the script tags cost on every build; src/size.test.ts enforces the budget.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** The budget of dist/pixel.js, gzip -9 (PRODUCT.md). */
export const TARGET_GZIP = 1024;

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
  for (const name of ['pixel.js', 'pixel.debug.js']) {
    const file = fileURLToPath(new URL(`../dist/${name}`, import.meta.url));
    const { raw, gzip, brotli } = measure(file);
    const cli = gzipCli(file);
    const budget =
      name === 'pixel.js'
        ? `budget ${TARGET_GZIP} B gzip, ${TARGET_GZIP - Math.max(gzip, cli ?? 0)} B left`
        : 'console messages, no budget';
    console.log(
      `[size] dist/${name}: raw ${raw} B, gzip ${gzip} B${cli === null ? '' : ` (gzip -9 -n: ${cli} B)`}, brotli ${brotli} B (${budget})`,
    );
  }
}
