import { spanLabel, timeOfDayLabel, utcLabel, zonedLabel } from '../admin/zoned-time.js';
import { systemClock } from '../clock.js';
import { loadBillingCalendar, loadDbPath } from '../config.js';
import type { ClosedPeriod } from '../store/usage.js';
import {
  blackout,
  type CalendarEntry,
  closesFrom,
  MARKETPLACE_ZONE,
  nextPeriod,
  periodOf,
  upcomingCloses,
} from '../time/calendar.js';
import { dbExists, withAdminStore } from './admin-store.js';
import { type CliIo, EXIT } from './io.js';
import { table } from './table.js';

/** Periods `usage calendar` lists unless `--count` says otherwise. */
export const DEFAULT_CALENDAR_COUNT = 12;

/** A period of the calendar: closed already (early or by hand), or when it closes. */
type Row = CalendarEntry & { closed: ClosedPeriod | null };

const iso = (ms: number) => new Date(ms).toISOString();

// A closed period has no close to come: `close` is left out rather than shown as next.
const entryJson = ({ period, close, blackout: window, closed }: Row) => ({
  period,
  ...(closed === null
    ? { close: iso(close), closed: null }
    : { closed: { at: iso(closed.closedAt), early: closed.early } }),
  blackout: { start: iso(window.start), end: iso(window.end) },
});

function row({ period, close, blackout: window, closed }: Row, zone: string): string[] {
  const { start, end } = window;
  const early = closed?.early ? ' (early)' : '';
  return [
    period,
    closed ? `closed ${zonedLabel(closed.closedAt, zone)}${early}` : zonedLabel(close, zone),
    closed ? `closed ${utcLabel(closed.closedAt)}` : utcLabel(close),
    spanLabel(zonedLabel(start, zone), zonedLabel(end, zone)),
    spanLabel(utcLabel(start), utcLabel(end)),
  ];
}

/**
 * The periods to print: the one `now` falls in (and any later) when already closed, early
 * or by hand, shown closed; then `count` closes from the first period still open.
 */
export function calendarRows(
  now: number,
  count: number,
  calendar: ReturnType<typeof loadBillingCalendar>,
  closedNewestFirst: readonly ClosedPeriod[],
): Row[] {
  const { zone, closeAt } = calendar;
  const current = periodOf(now, zone);
  const closed = closedNewestFirst.filter((entry) => entry.period >= current).reverse();
  const rows: Row[] = closed.map((entry) => ({
    period: entry.period,
    close: entry.closedAt,
    blackout: blackout(entry.period),
    closed: entry,
  }));
  const last = closed.at(-1)?.period;
  // The first period still open: the one after the last closed, else as the clock says.
  const open =
    last === undefined
      ? upcomingCloses(now, count, zone, closeAt)
      : closesFrom(nextPeriod(last), count, zone, closeAt);
  return [...rows, ...open.map((entry) => ({ ...entry, closed: null }))];
}

// The periods closed so far, newest first; none when there is no database to ask (the
// calendar also serves to check the configuration before the first start).
async function closedPeriods(io: CliIo): Promise<ClosedPeriod[] | null> {
  if (!dbExists(loadDbPath(io.env))) return null;
  return withAdminStore(io, (store) => store.listClosedPeriods({ limit: 24 }));
}

/**
 * `usage calendar [--count N] [--json]`: the next periods' close times and month-end
 * blackouts, in the billing zone and in UTC, from `CLM_BILLING_TZ` and `CLM_USAGE_CLOSE_AT`;
 * with a database at `CLM_DB`, the current period shown closed when it was closed already
 * (early, or by hand), and the closes listed from the first period still open.
 */
export async function runUsageCalendar(
  options: { count: number; json: boolean },
  io: CliIo,
): Promise<number> {
  const calendar = loadBillingCalendar(io.env);
  const { zone, closeAt } = calendar;
  const now = (io.clock ?? systemClock).now();
  const closed = await closedPeriods(io);
  const rows = calendarRows(now, options.count, calendar, closed ?? []);
  if (options.json) {
    const body = { zone, closeAt: timeOfDayLabel(closeAt), periods: rows.map(entryJson) };
    io.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return EXIT.ok;
  }
  const known =
    closed === null
      ? `closed:       not known (no collector database at ${loadDbPath(io.env)}; set CLM_DB)`
      : null;
  io.stdout.write(
    [
      `billing zone: ${zone}; each period closes at ${timeOfDayLabel(closeAt)} on its last day`,
      `blackout:     no report is sent from 15:45 to 18:00 on the month's last day, read as ${MARKETPLACE_ZONE}`,
      '              time and as UTC-6 ("CST"), whichever starts earlier and ends later',
      ...(known === null ? [] : [known]),
      table([
        ['period', `closes (${zone})`, 'closes (UTC)', `blackout (${zone})`, 'blackout (UTC)'],
        ...rows.map((entry) => row(entry, zone)),
      ]),
      '',
    ].join('\n'),
  );
  return EXIT.ok;
}
