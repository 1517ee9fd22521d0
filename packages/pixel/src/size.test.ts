import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain .mjs build script without types
import { BUILDS, gzipCli, measure } from '../scripts/size.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = (name: string) => {
  const file = join(root, name);
  expect(existsSync(file), `run \`pnpm build\` first: no ${name}`).toBe(true);
  return file;
};

const budgets = (BUILDS as { file: string; budget: number | null }[]).filter(
  (build): build is { file: string; budget: number } => build.budget !== null,
);

describe('pixel.js', () => {
  it.each(budgets)('$file stays within $budget B gzip -9', ({ file, budget }) => {
    const path = built(file);
    expect((measure(path) as { gzip: number }).gzip).toBeLessThanOrEqual(budget);
    // The product measures with the gzip tool; its deflate can differ from zlib's by a byte.
    const cli = gzipCli(path) as number | null;
    if (cli !== null) expect(cli).toBeLessThanOrEqual(budget);
  });

  it('carries no console messages; dist/pixel.debug.js does', () => {
    const silent = readFileSync(built('dist/pixel.js'), 'utf8');
    const debug = readFileSync(built('dist/pixel.debug.js'), 'utf8');
    for (const text of ['[clm-pixel]', 'console', 'data-provider-key and data-service']) {
      expect(silent).not.toContain(text);
      expect(debug).toContain(text);
    }
  });

  it('carries the cookie code only in the build that ships', () => {
    expect(readFileSync(built('dist/pixel.js'), 'utf8')).toContain('document.cookie');
    expect(readFileSync(built('build/pixel.no-cookie.js'), 'utf8')).not.toContain(
      'document.cookie',
    );
  });
});
