import { describe, expect, it } from 'vitest';
import { addDecimal, decimalJson, formatDecimal, parseDecimal, ZERO } from './exact-sum.js';

const sum = (...texts: string[]) =>
  texts.reduce((total, text) => {
    const value = parseDecimal(text);
    if (value === null) throw new Error(`not a number: ${text}`);
    return addDecimal(total, value);
  }, ZERO);

describe('exact usage sums', () => {
  it('adds as decimals, not floats: 0.1 + 0.2 is 0.3', () => {
    expect(formatDecimal(sum('0.1', '0.2'))).toBe('0.3');
    expect(decimalJson(sum('0.1', '0.2'))).toBe(0.3);
  });

  it.each([
    [['100.50'], '100.5'],
    [['1e3', '2.5E-1'], '1000.25'],
    [['-2.5', '1'], '-1.5'],
    [['0', '0.000'], '0'],
    [['5e-7', '5e-7'], '0.000001'],
  ])('reads %j as written and sums to %s', (texts, expected) => {
    expect(formatDecimal(sum(...texts))).toBe(expected);
  });

  it('keeps a sum a double cannot carry as a string, every digit kept', () => {
    const total = sum('9007199254740993', '0.25');
    expect(decimalJson(total)).toBe('9007199254740993.25');
    expect(decimalJson(sum('999999999999999.9', '0.1'))).toBe(1_000_000_000_000_000);
  });

  it.each(['', '1.', '.5', '0x10', '1e999', 'NaN'])('refuses %j', (text) => {
    expect(parseDecimal(text)).toBeNull();
  });
});
