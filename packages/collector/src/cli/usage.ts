import { loadUsage } from '../admin/usage-data.js';
import { systemClock } from '../clock.js';
import { isPeriod } from '../time/calendar.js';
import { loadBillingCalendar } from '../usage/settings.js';
import { withAdminStore } from './admin-store.js';
import { type CliIo, EXIT, UsageError } from './io.js';
import type { UsageReport } from './usage-report.js';
import { renderUsage } from './usage-text.js';

/** A `--period` as given on the command line. */
export function checkPeriod(value: string): string {
  if (!isPeriod(value)) throw new UsageError(`--period must be a month YYYY-MM, not "${value}"`);
  return value;
}

/**
 * `usage`: usage per period, order and SKU with each report's state (one period with
 * `period`), the open period and the closed ones.
 */
export async function runUsage(options: { period?: string; json: boolean }, io: CliIo) {
  const period = options.period === undefined ? undefined : checkPeriod(options.period);
  const calendar = loadBillingCalendar(io.env);
  const now = (io.clock ?? systemClock).now();
  const report: UsageReport = await withAdminStore(io, async (store, path) => ({
    database: path,
    ...(await loadUsage(store, calendar, now, period)),
  }));
  io.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderUsage(report));
  return EXIT.ok;
}
