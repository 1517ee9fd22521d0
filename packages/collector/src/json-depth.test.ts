import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, nestedTooDeep } from './json-depth.js';

describe('nestedTooDeep', () => {
  it('counts arrays and objects, and stops past the limit', () => {
    expect(nestedTooDeep('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).toBe(false);
    expect(nestedTooDeep(`${'[{"a":'.repeat(500)}[1]`)).toBe(true);
    expect(nestedTooDeep('['.repeat(1_000_000))).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ note: `"${'['.repeat(500)}\\"{{{` });
    expect(nestedTooDeep(text)).toBe(false);
  });
});
