import { systemClock } from '../clock.js';
import type { UsageStore } from '../store/usage.js';
import { closeTime, nextPeriod, periodOf } from '../time/calendar.js';
import { CloseRefused, closePeriodNow } from '../usage/close.js';
import { formatMicros } from '../usage/decimal.js';
import { loadBillingCalendar } from '../usage/settings.js';
import { withAdminStore } from './admin-store.js';
import { askYesNo } from './ask.js';
import { type CliIo, EXIT, UsageError } from './io.js';
import { oneLine, plural } from './table.js';

// What an early close of `period` queues: every usage line of it not reported yet.
async function describeEarlyClose(store: UsageStore, period: string): Promise<string> {
  const lines = (await store.usageLines({ period })).filter((line) => line.report === null);
  const rows = lines.map(
    (line) =>
      `  order ${oneLine(line.provisioningId, 40)}, ${oneLine(line.sku, 40)}: usageCount ${formatMicros(line.micros)}\n`,
  );
  return (
    `Closing ${period} early queues ${plural(lines.length, 'usage report')} for the marketplace, each added to the buyer's bill:\n` +
    rows.join('') +
    `An early close cannot be undone: later usage counts in ${nextPeriod(period)}.\n`
  );
}

import { checkPeriod } from './usage.js';

/**
 * `usage close --period YYYY-MM [--early [--yes]]`: closes a period by hand (and any
 * earlier one still open) and queues one report per order and SKU with usage; a running
 * collector sends them. Without `--early` the period's close time must have passed. An
 * early close says what it queues and asks first, unless `--yes`. A refusal (closed
 * already, not begun, not due) exits 2 with its reason.
 */
export async function runUsageClose(
  options: { period: string; early: boolean; yes?: boolean },
  io: CliIo,
) {
  const period = checkPeriod(options.period);
  const calendar = loadBillingCalendar(io.env);
  const now = (io.clock ?? systemClock).now();
  // Recorded as early only when it is: a period past its close time closes as usual.
  const early = options.early && closeTime(period, calendar.zone, calendar.closeAt) > now;
  const closed = await withAdminStore(io, async (store) => {
    try {
      // Refusals (closed, not begun) come before the question: nothing to confirm then.
      const last = await store.lastClosedPeriod();
      const closable = (last === null || period > last) && period <= periodOf(now, calendar.zone);
      if (early && options.yes !== true && closable) {
        io.stdout.write(await describeEarlyClose(store, period));
        if (!(await askYesNo(io, `Close ${period} early?`, '--yes'))) return null;
      }
      return await closePeriodNow(store, calendar, { period, now, early });
    } catch (error) {
      if (error instanceof CloseRefused) throw new UsageError(error.message);
      throw error;
    }
  });
  if (closed === null) {
    io.stderr.write('clm-collector: not closed; nothing was changed\n');
    return EXIT.failed;
  }
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
