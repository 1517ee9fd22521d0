import { spanLabel, timeOfDayLabel, utcLabel, zonedLabel } from '../admin/zoned-time.js';
import { systemClock } from '../clock.js';
import { loadBillingCalendar } from '../config.js';
import { type CalendarEntry, MARKETPLACE_ZONE, upcomingCloses } from '../usage/calendar.js';
import { type CliIo, EXIT } from './io.js';
import { table } from './table.js';

/** Periods `usage calendar` lists unless `--count` says otherwise. */
export const DEFAULT_CALENDAR_COUNT = 12;

const iso = (ms: number) => new Date(ms).toISOString();

const entryJson = (entry: CalendarEntry) => ({
  period: entry.period,
  close: iso(entry.close),
  blackout: { start: iso(entry.blackout.start), end: iso(entry.blackout.end) },
});

function row(entry: CalendarEntry, zone: string): string[] {
  const { start, end } = entry.blackout;
  return [
    entry.period,
    zonedLabel(entry.close, zone),
    utcLabel(entry.close),
    spanLabel(zonedLabel(start, zone), zonedLabel(end, zone)),
    spanLabel(utcLabel(start), utcLabel(end)),
  ];
}

/**
 * `usage calendar [--count N] [--json]`: the next periods' close times and month-end
 * blackouts, in the billing zone and in UTC, from `CLM_BILLING_TZ` and `CLM_USAGE_CLOSE_AT`.
 */
export function runUsageCalendar(options: { count: number; json: boolean }, io: CliIo): number {
  const { zone, closeAt } = loadBillingCalendar(io.env);
  const now = (io.clock ?? systemClock).now();
  const entries = upcomingCloses(now, options.count, zone, closeAt);
  if (options.json) {
    const body = { zone, closeAt: timeOfDayLabel(closeAt), periods: entries.map(entryJson) };
    io.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return EXIT.ok;
  }
  io.stdout.write(
    [
      `billing zone: ${zone}; each period closes at ${timeOfDayLabel(closeAt)} on its last day`,
      `blackout:     no report is sent from 15:45 to 18:00 on the month's last day, read as ${MARKETPLACE_ZONE}`,
      '              time and as UTC-6 ("CST"), whichever starts earlier and ends later',
      table([
        ['period', `closes (${zone})`, 'closes (UTC)', `blackout (${zone})`, 'blackout (UTC)'],
        ...entries.map((entry) => row(entry, zone)),
      ]),
      '',
    ].join('\n'),
  );
  return EXIT.ok;
}
