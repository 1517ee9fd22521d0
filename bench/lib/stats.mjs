/** The q-quantile (0..1) of numbers, linearly interpolated. */
export function quantile(values, q) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const low = Math.floor(pos);
  const high = Math.ceil(pos);
  return sorted[low] + (sorted[high] - sorted[low]) * (pos - low);
}

/** Median, quartiles and interquartile range of numbers. */
export const summarize = (values) => {
  const p25 = quantile(values, 0.25);
  const p75 = quantile(values, 0.75);
  return { median: quantile(values, 0.5), p25, p75, iqr: p75 - p25, n: values.length };
};

/** `value` rounded to `digits` decimals, as a string with thousands separators. */
export const fmt = (value, digits = 0) =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      })
    : 'n/a';

/** `part / whole` as a percentage string. */
export const pct = (part, whole) => `${fmt((100 * part) / whole, 0)} %`;
