import { Gauge, type Registry } from 'prom-client';
import type { UsageStore } from '../store/types.js';

/**
 * Usage gauges read at scrape time: the unconfirmed usage reports (each waits for an
 * operator, whichever process changed it) and, given the scheduler's `nextClose`, when the
 * open billing period closes.
 */
export function registerUsageGauges(
  registry: Registry,
  store: Pick<UsageStore, 'countReports'>,
  nextClose?: () => number,
): void {
  new Gauge({
    name: 'clm_usage_reports_unconfirmed',
    help: 'Usage reports that may have been billed, waiting for an operator to confirm or resend',
    registers: [registry],
    async collect() {
      this.set((await store.countReports()).unconfirmed);
    },
  });
  if (!nextClose) return;
  new Gauge({
    name: 'clm_usage_next_close_timestamp_seconds',
    help: 'When the open billing period closes and its usage reports are queued (Unix time)',
    registers: [registry],
    collect() {
      this.set(nextClose() / 1000);
    },
  });
}
