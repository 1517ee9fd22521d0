import { describe, expect, it } from 'vitest';
import { formatMicros, toMicros } from './decimal.js';

describe('exact quantities', () => {
  it.each([
    [0, 0n],
    [1, 1_000_000n],
    [0.1, 100_000n],
    [0.000001, 1n],
    [100.5, 100_500_000n],
    [1e9, 1_000_000_000_000_000n],
    [1.5e-5, 15n],
    [123456789.123456, 123_456_789_123_456n],
  ])('reads %s as %s micro-units', (value, micros) => {
    expect(toMicros(value)).toBe(micros);
  });

  it.each([0.0000001, 1.2345678, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e-7])(
    'refuses %s',
    (value) => {
      expect(toMicros(value)).toBeNull();
    },
  );

  it('sums without drift: 0.1 + 0.2 is 0.3', () => {
    const sum = (toMicros(0.1) ?? 0n) + (toMicros(0.2) ?? 0n);
    expect(formatMicros(sum)).toBe('0.3');
    expect(0.1 + 0.2).not.toBe(0.3);
    const many = Array.from({ length: 10 }, () => toMicros(0.1) ?? 0n).reduce((a, b) => a + b);
    expect(formatMicros(many)).toBe('1');
  });

  it.each([
    [0n, '0'],
    [1n, '0.000001'],
    [300_000n, '0.3'],
    [12_500_000n, '12.5'],
    [9_007_199_254_740_993_000_000n, '9007199254740993'],
  ])('formats %s as %s', (micros, text) => {
    expect(formatMicros(micros)).toBe(text);
  });
});
