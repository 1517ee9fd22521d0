import { Gauge, type Registry } from 'prom-client';
import type { AdminStore } from '../store/types.js';
import { BILLING_KINDS, DOUBT_STATES, loadMoneyInDoubt } from './in-doubt.js';

/**
 * Money in doubt, read at scrape time: the billing calls (starts, usage reports, ends) an
 * operator must settle, by kind and state, every pair present (0 when none) so an alert
 * rule sees the series before the first one.
 */
export function doubtGauges(
  store: Pick<AdminStore, 'listBillingInDoubt'>,
): (registry: Registry) => void {
  return (registry) => {
    new Gauge({
      name: 'clm_billing_calls_in_doubt',
      help:
        'Billing calls (start_billing, usage_report, usage_end) unconfirmed (may have been ' +
        'billed), dead (not billed) or held (never sent), waiting for an operator',
      labelNames: ['kind', 'state'],
      registers: [registry],
      async collect() {
        const { byKind } = await loadMoneyInDoubt(store);
        for (const kind of BILLING_KINDS) {
          for (const state of DOUBT_STATES) this.set({ kind, state }, byKind[kind][state]);
        }
      },
    });
  };
}
