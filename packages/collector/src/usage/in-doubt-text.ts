import { plural } from '../plural.js';
import { BILLING_KINDS, type BillingKind, DOUBT_STATES, type MoneyInDoubt } from './in-doubt.js';

const NOUNS: Record<BillingKind, string> = {
  start_billing: 'billing start',
  usage_report: 'usage report',
  usage_end: 'end',
};

/** `1 usage report unconfirmed`, `2 billing starts dead`: each kind and state there is. */
export function doubtCounts(doubt: Pick<MoneyInDoubt, 'byKind'>): string[] {
  return BILLING_KINDS.flatMap((kind) =>
    DOUBT_STATES.filter((state) => doubt.byKind[kind][state] > 0).map(
      (state) => `${plural(doubt.byKind[kind][state], NOUNS[kind])} ${state}`,
    ),
  );
}

/** `SKU-A 12.5 (2 reports)`: the usage in doubt of each SKU. */
export function doubtSums(doubt: Pick<MoneyInDoubt, 'usage'>): string[] {
  return doubt.usage.map(
    ({ sku, usageCount, reports }) => `${sku} ${usageCount} (${plural(reports, 'report')})`,
  );
}

/** What an operator does about each state, for the CLI's words. */
export const DOUBT_ACTIONS = [
  "unconfirmed: check the buyer's bill, then clm-collector usage confirm <id> if it was billed, else usage resend <id>",
  'dead usage report: fix what the marketplace refused, then clm-collector usage resend <id>',
  'dead call never to be billed: clm-collector write-off <id> (no longer in doubt)',
  'held usage report: bill it by hand with the marketplace, then clm-collector usage confirm <id>',
  'dead billing start or end: clm-collector replay <id> once the cause is fixed',
];
