import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain .mjs build script without types
import { gzipCli, measure, TARGET_GZIP } from '../scripts/size.mjs';

const dist = join(dirname(fileURLToPath(import.meta.url)), '../dist');
const built = (name: string) => {
  const file = join(dist, name);
  expect(existsSync(file), `run \`pnpm build\` first: no dist/${name}`).toBe(true);
  return file;
};

describe('dist/pixel.js', () => {
  it(`stays within ${TARGET_GZIP} B gzip -9`, () => {
    const file = built('pixel.js');
    expect((measure(file) as { gzip: number }).gzip).toBeLessThanOrEqual(TARGET_GZIP);
    // The product measures with the gzip tool; its deflate can differ from zlib's by a byte.
    const cli = gzipCli(file) as number | null;
    if (cli !== null) expect(cli).toBeLessThanOrEqual(TARGET_GZIP);
  });

  it('carries no console messages; dist/pixel.debug.js does', () => {
    const silent = readFileSync(built('pixel.js'), 'utf8');
    const debug = readFileSync(built('pixel.debug.js'), 'utf8');
    for (const text of ['[clm-pixel]', 'console', 'data-provider-key and data-service']) {
      expect(silent).not.toContain(text);
      expect(debug).toContain(text);
    }
  });
});
