// Prints the script tag's cost on every build; src/size.test.ts enforces the ceiling.
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** The product's size goal for dist/pixel.js, gzip -9. */
export const TARGET_GZIP = 1024;
/** What the test suite enforces today: the current size plus a little headroom (see README). */
export const CEILING_GZIP = 1400;

/** Raw, gzip -9 and brotli -11 sizes of a file, in bytes. */
export const measure = (file) => {
  const raw = readFileSync(file);
  return {
    raw: raw.length,
    gzip: gzipSync(raw, { level: 9 }).length,
    brotli: brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const { raw, gzip, brotli } = measure(new URL('../dist/pixel.js', import.meta.url));
  console.log(
    `[size] dist/pixel.js: raw ${raw} B, gzip ${gzip} B, brotli ${brotli} B ` +
      `(gzip target ${TARGET_GZIP} B${gzip > TARGET_GZIP ? ', not met' : ''}; ceiling ${CEILING_GZIP} B)`,
  );
}
