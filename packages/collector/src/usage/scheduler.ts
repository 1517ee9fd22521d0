import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { plural } from '../plural.js';
import type { UsageStore } from '../store/usage.js';
import { blackoutAt, closeTime, nextPeriod, periodOf } from '../time/calendar.js';
import { type Calendar, closeDuePeriods } from './close.js';

/** Closes billing periods on time, and overdue ones at start. */
export interface UsageScheduler {
  start(): void;
  stop(): Promise<void>;
  /** Closes what is due now (outside the blackout); resolves when done. */
  tick(): Promise<void>;
  /** When the open period closes (ms), for metrics and the dashboard. */
  nextClose(): number;
}

/** Dependencies of {@link createUsageScheduler}. */
export interface UsageSchedulerDeps {
  store: UsageStore;
  clock: Clock;
  logger: Logger;
  calendar: Calendar;
  /** Told after reports were queued (the relay worker). */
  relay?: { notify(): void };
  /** Look again at least this often (the wall clock may jump). Default one minute. */
  checkMs?: number;
}

/**
 * Watches the calendar: at each period's close time it closes the period (one report per
 * order and SKU with usage); a period that should have closed while the collector was down
 * closes at start. Nothing closes inside the month-end blackout: it waits for its end.
 */
export function createUsageScheduler(deps: UsageSchedulerDeps): UsageScheduler {
  const { store, clock, logger, calendar, relay, checkMs = 60_000 } = deps;
  let timer: NodeJS.Timeout | undefined;
  // The blackout a due close was last deferred in, so it is said once, not every minute.
  let deferredIn: number | null = null;
  let running: Promise<void> | null = null;
  let stopped = true;
  // When the last check said to look again: the end of the blackout it was in, else the
  // first close after it. Every close up to that check was handled (or deferred) by it.
  let nextCheck: number | null = null;

  /** The first close after `at`. */
  const closeAfter = (at: number) => {
    const period = periodOf(at, calendar.zone);
    const close = closeTime(period, calendar.zone, calendar.closeAt);
    return close > at ? close : closeTime(nextPeriod(period), calendar.zone, calendar.closeAt);
  };

  async function closeDue(): Promise<void> {
    const now = clock.now();
    const window = blackoutAt(now);
    nextCheck = window ? window.end : closeAfter(now);
    if (window) {
      const last = await store.lastClosedPeriod();
      const open = last === null ? await store.firstOpenUsagePeriod() : nextPeriod(last);
      const due = open !== null && closeTime(open, calendar.zone, calendar.closeAt) <= now;
      if (due && deferredIn !== window.start) {
        deferredIn = window.start;
        logger.info(
          'usage',
          `closing ${open} waits for the month-end blackout to end at ${new Date(window.end).toISOString()}`,
        );
      }
      return;
    }
    const closed = await closeDuePeriods(store, calendar, now);
    for (const { period, reports } of closed) {
      logger.info('usage', `closed ${period}: ${plural(reports, 'usage report')} queued`);
    }
    if (closed.some((entry) => entry.reports > 0)) relay?.notify();
  }

  function schedule(): void {
    if (stopped) return;
    const now = clock.now();
    const window = blackoutAt(now);
    // From the last check, not from now: a check that began before a close (or inside the
    // blackout) and ended after it must not put that close off for a whole `checkMs`.
    const next = window?.end ?? nextCheck ?? closeAfter(now);
    const wait = Math.min(checkMs, Math.max(0, next - now));
    timer = setTimeout(() => void tick().finally(schedule), wait);
  }

  function tick(): Promise<void> {
    running ??= closeDue()
      .catch((error: unknown) => logger.error('usage', `closing usage failed: ${String(error)}`))
      .finally(() => {
        running = null;
      });
    return running;
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      void tick().finally(schedule);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
    tick,
    nextClose: () => closeAfter(clock.now()),
  };
}
