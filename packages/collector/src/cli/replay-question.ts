import { endpointOf, usageCountOf } from '../admin/replay-plan.js';
import type { MarketplaceApi } from '../outbox/kind.js';
import type { Relay } from '../store/types.js';
import { oneLine, plural } from './table.js';

/**
 * One billing call as a question lists it: its endpoint, order, SKU, period and exact
 * usageCount. Order ids and SKUs may hold format characters (bidi overrides) that rewrite a
 * terminal: they are shown escaped.
 */
export function callLine(call: Relay, api: MarketplaceApi): string {
  const period = call.period === null ? '' : `, period ${call.period}`;
  const count = usageCountOf(call);
  return (
    `  relay ${call.id}: POST ${endpointOf(call, api)}, order ${oneLine(call.orderId ?? '-', 40)}, ` +
    `${oneLine(call.sku ?? '-', 40)}${period}${count === '' ? '' : `, usageCount ${count}`}\n`
  );
}

/**
 * What a replay sends to the marketplace again, said before asking: each dead billing call
 * (its endpoint, order, SKU, period and exact usageCount), and what it does to the bill.
 */
export function describeReplayCalls(calls: readonly Relay[], api: MarketplaceApi): string {
  const reports = calls.filter((call) => call.kind === 'usage_report').length;
  return (
    `Replaying sends ${plural(calls.length, 'billing call')} to the marketplace again:\n` +
    calls.map((call) => callLine(call, api)).join('') +
    (reports > 0 ? "Each usage report adds its usageCount to the buyer's bill.\n" : '') +
    'The marketplace refused each before: replay once the cause is fixed.\n'
  );
}
