import type { UsageStore } from '../store/usage.js';
import { closeTime, nextPeriod, type Period, periodOf, type TimeOfDay } from '../time/calendar.js';
import { usageReportRelay } from './report-kind.js';

/** The billing calendar a close follows. */
export interface Calendar {
  zone: string;
  closeAt: TimeOfDay;
}

/** A period closed, the reports it queued to be sent, and those it queued held (never sent). */
export interface Closed {
  period: Period;
  reports: number;
  held: number;
}

/** Why a period cannot be closed (the CLI's and the dashboard's refusal). */
export class CloseRefused extends Error {}

/**
 * The periods to close at `now`, oldest first: from the one after the last closed (or the
 * oldest holding usage) while their close time has passed; with `through`, up to and
 * including it and no further, whatever the time (closing it early).
 */
async function periodsToClose(
  store: UsageStore,
  calendar: Calendar,
  now: number,
  through?: Period,
): Promise<Period[]> {
  const last = await store.lastClosedPeriod();
  let period = last !== null ? nextPeriod(last) : await store.firstOpenUsagePeriod();
  // Nothing recorded yet: closing by hand starts at the period named.
  if (period === null && through !== undefined) period = through;
  const periods: Period[] = [];
  while (period !== null && periods.length < 1200) {
    // By hand: up to the period named (its own time may not have come); else what is due.
    if (
      through !== undefined
        ? period > through
        : closeTime(period, calendar.zone, calendar.closeAt) > now
    )
      break;
    periods.push(period);
    period = nextPeriod(period);
  }
  return periods;
}

/** Closes every period whose close time has passed, in order. */
export async function closeDuePeriods(
  store: UsageStore,
  calendar: Calendar,
  now: number,
): Promise<Closed[]> {
  return closeAll(store, await periodsToClose(store, calendar, now), now, false);
}

/** Refuses (a {@link CloseRefused}) a period that has not begun at `now`. */
export function refuseUnbegun(period: Period, now: number, zone: string): void {
  const current = periodOf(now, zone);
  if (period > current) throw new CloseRefused(`${period} has not begun (it is ${current} now)`);
}

/**
 * Closes `period` by hand (and any earlier one still open). Without `early` its close time
 * must have passed; with it, the open period closes now and later usage counts in the next.
 */
export async function closePeriodNow(
  store: UsageStore,
  calendar: Calendar,
  options: { period: Period; now: number; early: boolean },
): Promise<Closed[]> {
  const { period, now, early } = options;
  const last = await store.lastClosedPeriod();
  if (last !== null && period <= last) throw new CloseRefused(`${period} is closed already`);
  refuseUnbegun(period, now, calendar.zone);
  const close = closeTime(period, calendar.zone, calendar.closeAt);
  if (close > now && !early) {
    throw new CloseRefused(
      `${period} closes at ${new Date(close).toISOString()}; use --early to close it now`,
    );
  }
  const periods = await periodsToClose(store, calendar, now, period);
  return closeAll(store, periods, now, early);
}

async function closeAll(store: UsageStore, periods: Period[], now: number, early: boolean) {
  const closed: Closed[] = [];
  for (const period of periods) {
    const counts = await store.closePeriod({
      period,
      now,
      early,
      report: (bucket) => usageReportRelay(bucket, now),
    });
    if (counts !== null) closed.push({ period, reports: counts.queued, held: counts.held });
  }
  return closed;
}
