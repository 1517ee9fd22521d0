import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain .mjs build script without types
import { CEILING_GZIP, measure } from '../scripts/size.mjs';

const bundle = join(dirname(fileURLToPath(import.meta.url)), '../dist/pixel.js');

describe('dist/pixel.js', () => {
  it('stays within the gzip size ceiling', () => {
    expect(existsSync(bundle), 'run `pnpm build` first').toBe(true);
    const { gzip } = measure(bundle) as { gzip: number };
    expect(gzip).toBeLessThanOrEqual(CEILING_GZIP);
  });
});
