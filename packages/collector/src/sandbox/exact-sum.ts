/**
 * Exact sums of the usage counts the marketplace receives. Seed 002 types `usageCount` as
 * a double, but a bill adds what the provider wrote: each count is read from its JSON text
 * (`100.50`, `1e3`, `0.1`) as an integer of digits and a decimal scale, never via a float.
 */

/** A decimal: `digits × 10^-scale`. */
export interface Decimal {
  digits: bigint;
  scale: number;
}

export const ZERO: Decimal = { digits: 0n, scale: 0 };

// Doubles reach about 1e±308 (and 5e-324): an exponent beyond this is no JSON double.
const MAX_EXPONENT = 400;

/** The decimal a JSON number's text writes, or null when it is not one. */
export function parseDecimal(text: string): Decimal | null {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) return null;
  const [, sign = '', whole = '', fraction = '', exponentText = '0'] = match;
  const exponent = Number(exponentText);
  if (Math.abs(exponent) > MAX_EXPONENT) return null;
  const digits = BigInt(`${sign}${whole}${fraction}`);
  const scale = fraction.length - exponent;
  return scale >= 0 ? { digits, scale } : { digits: digits * 10n ** BigInt(-scale), scale: 0 };
}

const rescale = (value: Decimal, scale: number) =>
  value.digits * 10n ** BigInt(scale - value.scale);

/** `a + b`, exactly. */
export function addDecimal(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { digits: rescale(a, scale) + rescale(b, scale), scale };
}

/** The decimal's shortest text: `100.5`, `0.3`, `-2`, `12345678901234567890.25`. */
export function formatDecimal(value: Decimal): string {
  const negative = value.digits < 0n;
  const text = (negative ? -value.digits : value.digits).toString().padStart(value.scale + 1, '0');
  const whole = text.slice(0, text.length - value.scale);
  const fraction = text.slice(text.length - value.scale).replace(/0+$/, '');
  const body = fraction === '' ? whole : `${whole}.${fraction}`;
  return negative && body !== '0' ? `-${body}` : body;
}

/**
 * A sum as JSON carries it: a number when a double holds it exactly as written (what any
 * reader gets back is the same decimal), else its decimal text as a string.
 */
export function decimalJson(value: Decimal): number | string {
  const text = formatDecimal(value);
  return String(Number(text)) === text ? Number(text) : text;
}
