import { describe, expect, it } from 'vitest';
import { inlined } from './inline.js';

describe('inlined', () => {
  it('writes integers, booleans and quoted text in place of their placeholders', () => {
    expect(
      inlined('SELECT $1, $2::boolean, $3, $10', [5, true, "it's", 1, 1, 1, 1, 1, 1, -7]),
    ).toBe("SELECT 5, true::boolean, 'it''s', -7");
  });

  it('writes a list of text as a text array, empty or not', () => {
    expect(inlined('SELECT $1::text[], $2::text[]', [['blackout', "it's"], []])).toBe(
      "SELECT ARRAY['blackout', 'it''s']::text[]::text[], ARRAY[]::text[]::text[]",
    );
  });

  it('refuses what it cannot write exactly, and a placeholder without a value', () => {
    expect(() => inlined('SELECT $1', [0.5])).toThrow(TypeError);
    expect(() => inlined('SELECT $1', [2 ** 53])).toThrow(TypeError);
    expect(() => inlined('SELECT $2', [1])).toThrow(RangeError);
  });
});
