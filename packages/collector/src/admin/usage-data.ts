import { isHeld, isWrittenOff } from '../store/kept-relays.js';
import type { RelayStatus } from '../store/outbox.js';
import type { UsageLine, UsageStore } from '../store/usage.js';
import { blackout, closeTime, nextPeriod, type Period, periodOf } from '../time/calendar.js';
import type { Calendar } from '../usage/close.js';
import { formatMicros } from '../usage/decimal.js';

/** Closed periods listed on the Usage page, in `/admin/api/usage` and by `usage`. */
export const CLOSED_SHOWN = 24;
/** The store reads at most this many (period, order, SKU) lines at once. */
export const LINES_SHOWN = 1000;

/** What a report's state is, as far as its state decides. */
interface ReportFacts {
  status: RelayStatus;
  late: boolean;
  lastError: string | null;
}

/**
 * What an operator reads for a usage line's report: `not reported` (its period is open, or
 * no report was queued), `pending`, `sending`, `sent`, `sent (late)` (delivered after the
 * month-end blackout began: it lands on the next bill), `unconfirmed` (may have been billed;
 * an operator confirms or resends it), `held: <why>` (never sent: its count cannot go out
 * exactly), `written off by an operator, not billed: <why>` or `failed: <why>`.
 */
export function reportState(report: ReportFacts | null): string {
  if (report === null) return 'not reported';
  if (report.status === 'pending') return 'pending';
  if (report.status === 'in_flight') return 'sending';
  if (report.status === 'delivered') return report.late ? 'sent (late)' : 'sent';
  if (report.status === 'unconfirmed') return 'unconfirmed';
  if (isHeld(report) || isWrittenOff(report)) return report.lastError as string;
  return `failed: ${report.lastError ?? 'no reason recorded'}`;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A (period, order, SKU) of usage as JSON: the exact quantity as a decimal string. */
export function describeUsageLine(line: UsageLine) {
  const { report } = line;
  return {
    period: line.period,
    provisioningId: line.provisioningId,
    sku: line.sku,
    customerId: line.customerId,
    quantity: formatMicros(line.micros),
    events: line.events,
    state: reportState(report),
    report:
      report === null
        ? null
        : {
            id: report.id,
            status: report.status,
            late: report.late,
            attempts: report.attempts,
            lastError: report.lastError,
            deliveredAt: report.deliveredAt === null ? null : iso(report.deliveredAt),
          },
  };
}

/** A usage line as {@link describeUsageLine} shows it. */
export type UsageLineView = ReturnType<typeof describeUsageLine>;

/**
 * The period usage counts in now and its close: the one `now` falls in or, when that one
 * was closed early, the next. `begun` is false then (it cannot be closed before it begins);
 * `overdue` when its close time has passed and the collector has not closed it yet.
 */
export function openPeriod(calendar: Calendar, now: number, lastClosed: Period | null) {
  const current = periodOf(now, calendar.zone);
  const period = lastClosed !== null && lastClosed >= current ? nextPeriod(lastClosed) : current;
  const closesAt = closeTime(period, calendar.zone, calendar.closeAt);
  const window = blackout(period);
  return {
    period,
    closesAt: iso(closesAt),
    blackout: { start: iso(window.start), end: iso(window.end) },
    begun: period <= current,
    overdue: closesAt <= now,
  };
}

/** The open period as {@link openPeriod} describes it. */
export type OpenPeriodView = ReturnType<typeof openPeriod>;

/**
 * What the Usage page, `/admin/api/usage` and `clm-collector usage` show: the billing
 * zone, the open period, the closed ones, and usage per (period, order, SKU) with its
 * report, newest period first (one period if given).
 */
export async function loadUsage(
  store: UsageStore,
  calendar: Calendar,
  now: number,
  period?: Period,
) {
  const [last, closed, lines, counts, held] = await Promise.all([
    store.lastClosedPeriod(),
    store.listClosedPeriods({ limit: CLOSED_SHOWN }),
    store.usageLines(period === undefined ? {} : { period }),
    store.countReports(),
    store.countHeldReports(),
  ]);
  return {
    zone: calendar.zone,
    open: openPeriod(calendar, now, last),
    closedPeriods: closed.map((entry) => ({
      period: entry.period,
      closedAt: iso(entry.closedAt),
      early: entry.early,
    })),
    period: period ?? null,
    lines: lines.map(describeUsageLine),
    // Of every period, not only of the lines shown: each one needs an operator.
    unconfirmed: counts.unconfirmed,
    held,
  };
}

/** What {@link loadUsage} resolves with. */
export type UsageView = Awaited<ReturnType<typeof loadUsage>>;
