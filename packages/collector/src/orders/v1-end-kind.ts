import type { RelayKindSpec } from '../outbox/kind.js';
import { wallTime } from '../time/calendar.js';
import { type UsageEnd, usageEndKind } from './relay-kinds.js';

/**
 * A SKU's end on the retired v1 API (`CLM_MARKETPLACE_API=v1`, seed 003):
 * `/update-subscription/` with `expired` and the day the customer terminated, in
 * `billingZone` (`CLM_BILLING_TZ`: 23:30 in Chicago on Jan 31 is Jan 31 there, though
 * Feb 1 in UTC). The rows are v2's ends; only the call differs.
 */
export function v1UsageEndKind(billingZone: string): RelayKindSpec<UsageEnd, 'usage_end'> {
  return {
    ...usageEndKind,
    url: (endpoints) => endpoints.updateSubscription,
    call: '/update-subscription/',
    body: ({ customerId, productSkus, providerKey }, relay) =>
      JSON.stringify({
        coid: customerId,
        expired: true,
        'expired-date': dateIn(relay.createdAt, billingZone),
        sku: productSkus[0],
        providerkey: providerKey,
      }),
  };
}

// `YYYY-MM-DD` of an instant in `zone`.
function dateIn(ms: number, zone: string): string {
  const { year, month, day } = wallTime(ms, zone);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
