import type { MarketplaceApi } from '../outbox/kind.js';
import { callOf } from '../relay-kinds.js';
import { relayById } from '../store/admin-reads.js';
import { isKept } from '../store/kept-relays.js';
import type { Relay } from '../store/outbox.js';
import type { AdminStore } from '../store/types.js';

// A marketplace billing call: a start, a usage report (added to the bill) or an end.
const billable = (relay: Relay) => relay.kind !== 'saas_tracking' && !isKept(relay);

/**
 * The billing calls a replay would send again (dead `/start-billing/`, `/saas-usage/` and
 * `/saas-usage/end` relays, of `ids` or all), and the state a confirm token is bound to:
 * each one's status and last change, which the replay changes. A replay of all sends
 * exactly these, and the dead purchases. Used by the dashboard's Retry and `replay`.
 */
export async function planReplay(store: AdminStore, ids: readonly number[] | undefined) {
  // All: every billing call in doubt, however many dead purchases are newer.
  const found = ids
    ? await Promise.all(ids.map((id) => relayById(store, id)))
    : await store.listBillingInDoubt();
  const calls = found.filter(
    (relay): relay is Relay => relay !== null && relay.status === 'dead' && billable(relay),
  );
  const state = JSON.stringify(calls.map((r) => [r.id, r.status, r.updatedAt]));
  return { calls, state };
}

/** The marketplace endpoint a relay calls on `api` (v1: `/update-subscription/`), by its kind. */
export const endpointOf = (relay: Relay, api: MarketplaceApi = 'v2'): string =>
  callOf(api)(relay.kind);

/** A usage report's exact count as sent; empty for another call. */
export const usageCountOf = (relay: Relay): string => {
  const value = (relay.payload as { usageCount?: unknown } | null)?.usageCount;
  return value === undefined ? '' : String(value);
};

/** The columns a confirm page lists dead billing calls under (Retry, Write off). */
export const CALL_COLUMNS = [
  'Relay id',
  'Call',
  'Provisioning ID',
  'SKU',
  'Period',
  'usageCount',
  'Last answer',
];

/** One dead billing call as a confirm page lists it, under {@link CALL_COLUMNS}. */
export const callRow = (relay: Relay, api: MarketplaceApi = 'v2'): string[] => [
  String(relay.id),
  endpointOf(relay, api),
  relay.orderId ?? '',
  relay.sku ?? '',
  relay.period ?? '',
  usageCountOf(relay),
  relay.lastError ?? '',
];
