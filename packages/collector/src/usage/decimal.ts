/**
 * Exact usage quantities: integer micro-units (6 decimal places) in a bigint, so sums never
 * drift (0.1 + 0.2 is 0.3) and the marketplace gets the decimal it adds to the bill.
 */

/** Decimal places a quantity may have. */
export const DECIMALS = 6;
const SCALE = 10n ** BigInt(DECIMALS);

/** Largest quantity one usage event may carry. */
export const MAX_QUANTITY = 1_000_000_000;
const MAX_MICROS = BigInt(MAX_QUANTITY) * SCALE;
// Digits before the point of the largest quantity: anything longer is too large unread.
const MAX_WHOLE_DIGITS = String(MAX_QUANTITY).length;

/** A quantity as read: its micro-units, or why it is refused. */
export type Quantity = { ok: true; micros: bigint } | { ok: false; error: string };

// A JSON number (RFC 8259): no leading zeros, no bare point, an optional exponent.
const JSON_NUMBER = /^(-?)(0|[1-9]\d*)(?:\.(\d+))?(?:[eE]([+-]?)(\d+))?$/;

const ok = (micros: bigint): Quantity => ({ ok: true, micros });
const refuse = (error: string): Quantity => ({ ok: false, error });
const TOO_FINE = refuse(`quantity must have at most ${DECIMALS} decimal places`);
const TOO_LARGE = refuse(`quantity must be at most ${MAX_QUANTITY}`);

/**
 * Reads a quantity from the digits the sender wrote (`12.5`, `1e-6`, `1.50`), never through a
 * double: `0.1000000000000000000001` has more than six decimal places and is refused, not
 * read as 0.1. Zeros that change nothing (`1.5000000`, `15e-1`) are accepted; a minus sign,
 * even on zero, is not.
 */
export function readQuantity(written: string): Quantity {
  const match = JSON_NUMBER.exec(written);
  if (!match) return refuse('quantity must be a number');
  const [, minus, whole = '', fraction = '', expSign, expDigits = '0'] = match;
  // The value is digits × 10^scale; zeros at either end of the digits are dropped first.
  const significant = (whole + fraction).replace(/^0+/, '');
  if (significant === '')
    return minus ? refuse('quantity must not be negative: write 0, not -0') : ok(0n);
  if (minus) return refuse('quantity must not be negative');
  const digits = significant.replace(/0+$/, '');
  const exponentText = expDigits.replace(/^0+/, '');
  // An exponent this long puts a non-zero value out of range either way, read or not.
  if (exponentText.length > 9) return expSign === '-' ? TOO_FINE : TOO_LARGE;
  const exponent = (expSign === '-' ? -1 : 1) * Number(exponentText);
  const scale = exponent - fraction.length + (significant.length - digits.length);
  if (scale < -DECIMALS) return TOO_FINE;
  if (digits.length + scale > MAX_WHOLE_DIGITS) return TOO_LARGE;
  const micros = BigInt(digits) * 10n ** BigInt(scale + DECIMALS);
  return micros > MAX_MICROS ? TOO_LARGE : ok(micros);
}

/** A decimal string of micro-units: `12.5`, `0.3`, `7`. */
export function formatMicros(micros: bigint): string {
  const whole = micros / SCALE;
  const fraction = (micros % SCALE).toString().padStart(DECIMALS, '0').replace(/0+$/, '');
  return fraction === '' ? whole.toString() : `${whole}.${fraction}`;
}

/**
 * Significant digits a double carries exactly: any decimal with at most this many reads
 * back as written. `usageCount` goes out as a JSON number, which the marketplace reads into
 * a double, so a count with more would be billed rounded.
 */
export const EXACT_DIGITS = 15;

/** The significant digits of a decimal string (`1200` has 2, `0.000105` has 3). */
export function significantDigits(decimal: string): number {
  return decimal.replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
}
