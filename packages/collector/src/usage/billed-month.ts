import { blackout, MARKETPLACE_ZONE, nextPeriod, periodOf } from '../time/calendar.js';

/**
 * The month of the bill a usage report reaching the marketplace at `ms` lands on: its month
 * in Chicago, except that from 18:00 "CST" on the last day (the blackout's end, UTC-6 read
 * literally) it is next month's. The sandbox's books and the reconciliation export both
 * place reports with it, so the two agree line for line.
 */
export function billedMonth(ms: number): string {
  const period = periodOf(ms, MARKETPLACE_ZONE);
  return ms >= blackout(period).end ? nextPeriod(period) : period;
}
