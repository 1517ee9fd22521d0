/**
 * Exact usage quantities: integer micro-units (6 decimal places) in a bigint, so sums never
 * drift (0.1 + 0.2 is 0.3) and the marketplace gets the decimal it adds to the bill.
 */

/** Decimal places a quantity may have. */
export const DECIMALS = 6;
const SCALE = 10n ** BigInt(DECIMALS);

/** Largest quantity one usage event may carry. */
export const MAX_QUANTITY = 1_000_000_000;

/**
 * The micro-units of a JSON number, read from its shortest decimal form (what the sender
 * wrote for any number with at most 15 significant digits); null when it has more than
 * six decimal places or is negative or not finite.
 */
export function toMicros(value: number): bigint | null {
  if (!Number.isFinite(value) || value < 0) return null;
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(value));
  if (!match) return null;
  const [, whole = '', fraction = '', exponent = '0'] = match;
  // digits × 10^(exponent − fraction length), shifted to micro-units.
  const digits = BigInt(whole + fraction);
  const shift = Number(exponent) - fraction.length + DECIMALS;
  if (shift >= 0) return digits * 10n ** BigInt(shift);
  const divisor = 10n ** BigInt(-shift);
  return digits % divisor === 0n ? digits / divisor : null;
}

/** A decimal string of micro-units: `12.5`, `0.3`, `7`. */
export function formatMicros(micros: bigint): string {
  const whole = micros / SCALE;
  const fraction = (micros % SCALE).toString().padStart(DECIMALS, '0').replace(/0+$/, '');
  return fraction === '' ? whole.toString() : `${whole}.${fraction}`;
}
