import { describe, expect, it } from 'vitest';
import { formatMicros, readQuantity } from './decimal.js';

const micros = (written: string) => {
  const quantity = readQuantity(written);
  return quantity.ok ? quantity.micros : quantity.error;
};

describe('exact quantities', () => {
  it.each([
    ['0', 0n],
    ['1', 1_000_000n],
    ['0.1', 100_000n],
    ['0.000001', 1n],
    ['100.5', 100_500_000n],
    ['1000000000', 1_000_000_000_000_000n],
    ['1e9', 1_000_000_000_000_000n],
    ['1.5e-5', 15n],
    ['15E-1', 1_500_000n],
    ['1e-6', 1n],
    ['1.5000000', 1_500_000n],
    ['0.0000000e5', 0n],
    ['0e-999999999999', 0n],
    ['123456789.123456', 123_456_789_123_456n],
  ])('reads %s as %s micro-units', (written, expected) => {
    expect(micros(written)).toBe(expected);
  });

  it.each([
    ['0.1000000000000000000001', 'quantity must have at most 6 decimal places'],
    ['0.0000001', 'quantity must have at most 6 decimal places'],
    ['1.0000001', 'quantity must have at most 6 decimal places'],
    ['1.2345678', 'quantity must have at most 6 decimal places'],
    ['1e-7', 'quantity must have at most 6 decimal places'],
    ['1e-99999999999999999999', 'quantity must have at most 6 decimal places'],
    ['1e99999999999999999999', 'quantity must be at most 1000000000'],
    ['1e10', 'quantity must be at most 1000000000'],
    ['1000000000.000001', 'quantity must be at most 1000000000'],
    ['-1', 'quantity must not be negative'],
    ['-0.0000001', 'quantity must not be negative'],
    ['-0', 'quantity must not be negative: write 0, not -0'],
    ['-0.0', 'quantity must not be negative: write 0, not -0'],
    ['01', 'quantity must be a number'],
    ['1.', 'quantity must be a number'],
    ['NaN', 'quantity must be a number'],
  ])('refuses %s: %s', (written, error) => {
    expect(micros(written)).toBe(error);
  });

  it('sums without drift: 0.1 + 0.2 is 0.3', () => {
    const tenth = micros('0.1') as bigint;
    expect(formatMicros(tenth + (micros('0.2') as bigint))).toBe('0.3');
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(formatMicros(Array.from({ length: 10 }, () => tenth).reduce((a, b) => a + b))).toBe('1');
  });

  it.each([
    [0n, '0'],
    [1n, '0.000001'],
    [300_000n, '0.3'],
    [12_500_000n, '12.5'],
    [9_007_199_254_740_993_000_000n, '9007199254740993'],
  ])('formats %s as %s', (value, text) => {
    expect(formatMicros(value)).toBe(text);
  });
});
