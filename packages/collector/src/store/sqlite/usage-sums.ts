/**
 * Exact sums of usage micro-units on SQLite. Its SUM() of INTEGERs fails ("integer
 * overflow") past 2^63 − 1, which one order's month reaches with some 9,300 events of the
 * largest quantity, and TOTAL() rounds through a double. So each quantity (≥ 0, < 2^63) is
 * summed as three 21-bit slices, each sum a long way from overflowing (that would take
 * 2^42 rows), and the slices are put back together as a bigint: exact at any size.
 */

/** The select list of the three slice sums, over `usage_events AS e`. */
export const SLICED_SUM = `SUM(e.quantity_micros >> 42) AS micros_high,
  SUM((e.quantity_micros >> 21) & 2097151) AS micros_mid,
  SUM(e.quantity_micros & 2097151) AS micros_low`;

/** The slice sums of a row, read with safe integers. */
export interface SlicedSum {
  micros_high: bigint;
  micros_mid: bigint;
  micros_low: bigint;
}

/** The exact sum the slices make. */
export const joinSlices = (row: SlicedSum): bigint =>
  (row.micros_high << 42n) + (row.micros_mid << 21n) + row.micros_low;
