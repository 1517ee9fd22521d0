import type { DayStats } from './admin-reads.js';

/** A UTC day in ms: the dashboard's days are UTC days (`created_at / DAY_MS` in SQL). */
export const DAY_MS = 86_400_000;

/**
 * Every UTC day from `since`'s through the one before `until`, keyed by day number
 * (ms / {@link DAY_MS}) and all counts at zero, for the store to fill in.
 */
export function emptyDays(since: number, until: number): Map<number, DayStats> {
  const days = new Map<number, DayStats>();
  for (let t = Math.floor(since / DAY_MS) * DAY_MS; t < until; t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    days.set(t / DAY_MS, { day, visits: 0, purchases: 0, delivered: 0, pending: 0, dead: 0 });
  }
  return days;
}
