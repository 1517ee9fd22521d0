import { describe, expect, it } from 'vitest';
import { billedMonth } from './billed-month.js';

describe('billedMonth', () => {
  it.each([
    // December is on CST: the blackout ends at 18:00 Chicago (00:00 UTC).
    ['2026-12-31T23:59:59.999Z', '2026-12'],
    ['2027-01-01T00:00:00.000Z', '2027-01'],
    // July is on CDT: 18:00 "CST" is 19:00 in Chicago, 00:00 UTC.
    ['2026-07-31T23:30:00.000Z', '2026-07'],
    ['2026-08-01T00:00:00.000Z', '2026-08'],
    ['2026-07-15T12:00:00.000Z', '2026-07'],
  ])('a report reaching the marketplace at %s is billed in %s', (at, month) => {
    expect(billedMonth(Date.parse(at))).toBe(month);
  });
});
