import { systemClock } from '../clock.js';
import { closeTime, nextPeriod } from '../usage/calendar.js';
import { CloseRefused, closePeriodNow } from '../usage/close.js';
import { loadBillingCalendar } from '../usage/settings.js';
import { withAdminStore } from './admin-store.js';
import { type CliIo, EXIT, UsageError } from './io.js';
import { plural } from './table.js';
import { checkPeriod } from './usage.js';

/**
 * `usage close --period YYYY-MM [--early]`: closes a period by hand (and any earlier one
 * still open) and queues one report per order and SKU with usage; a running collector
 * sends them. Without `--early` the period's close time must have passed. A refusal
 * (closed already, not begun, not due) exits 2 with its reason.
 */
export async function runUsageClose(options: { period: string; early: boolean }, io: CliIo) {
  const period = checkPeriod(options.period);
  const calendar = loadBillingCalendar(io.env);
  const now = (io.clock ?? systemClock).now();
  // Recorded as early only when it is: a period past its close time closes as usual.
  const early = options.early && closeTime(period, calendar.zone, calendar.closeAt) > now;
  const closed = await withAdminStore(io, async (store) => {
    try {
      return await closePeriodNow(store, calendar, { period, now, early });
    } catch (error) {
      if (error instanceof CloseRefused) throw new UsageError(error.message);
      throw error;
    }
  });
  for (const entry of closed) {
    const how = entry.period === period && early ? ' early' : '';
    const held =
      entry.held === 0 ? '' : `, ${entry.held} held (never sent, see clm-collector usage)`;
    io.stdout.write(
      `closed ${entry.period}${how}: ${plural(entry.reports, 'usage report')} queued${held}\n`,
    );
  }
  if (closed.length === 0) io.stdout.write(`nothing closed: ${period} was closed meanwhile\n`);
  if (closed.some((entry) => entry.reports > 0))
    io.stdout.write('a running collector sends them at its next poll\n');
  if (early) io.stdout.write(`later usage counts in ${nextPeriod(period)}\n`);
  return EXIT.ok;
}
