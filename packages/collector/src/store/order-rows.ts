import { parseExact } from '../exact-json.js';
import type {
  Order,
  OrderSku,
  ProvisioningClaim,
  ProvisioningFailure,
  RelayRef,
} from './orders.js';
import type { RelayStatus } from './outbox.js';
import type { QueuedRelay } from './relay-row.js';

/** An `orders` row as either store reads it. */
export interface OrderRow {
  provisioning_id: string;
  product_id: number;
  customer_id: string;
  provider_key: string;
  answer: string;
  created_at: number;
  request_key: string | null;
  request_digest: string | null;
}

/**
 * What `claimProvisioning` answers on finding the order of its key: the order, unless it
 * was stored with another digest than those of the request, `digests` (the keyed one and
 * the plain one rows from before the key carry); one stored before digests were kept
 * matches any.
 */
export const orderedClaim = (
  row: OrderRow,
  digests: readonly string[],
  order: Order,
): ProvisioningClaim =>
  row.request_digest === null || digests.includes(row.request_digest)
    ? { state: 'ordered', order }
    : { state: 'conflict' };

/** A `start_billing` or `usage_end` relay of an order, as read with it. */
export type OrderRelayRow = QueuedRelay['row'] & { kind: string };

/** A `provisioning_failures` row as either store reads it. */
export interface FailureRow {
  id: number;
  provisioning_id: string;
  product_id: number;
  product_skus: string;
  at: number;
  outcome: 'refused' | 'failed';
  status: number | null;
  message: string;
}

/** What became of a relay, as shown with its order. */
export const toRelayRef = (row: QueuedRelay['row']): RelayRef => ({
  id: row.id,
  status: row.status as RelayStatus,
  lastError: row.last_error,
  deliveredAt: row.delivered_at,
});

/** Sets each relay on its SKU of `skus` (billing start or end); relays of other SKUs are left out. */
export function attachRelays(skus: Map<string, OrderSku>, relays: readonly OrderRelayRow[]): void {
  for (const relay of relays) {
    const sku = relay.sku === null ? undefined : skus.get(relay.sku);
    if (sku) sku[relay.kind === 'start_billing' ? 'billing' : 'end'] = toRelayRef(relay);
  }
}

/** A `provisioning_claims` row as `claimProvisioning` reads it. */
export interface HeldRow {
  lease_until: number | null;
  request_digest: string | null;
}

/**
 * What `claimProvisioning` answers when another owner's claim holds the key: busy until it
 * expires, or a conflict when it forwards another digest. No claim left: busy until now,
 * so the caller looks again at once.
 */
export function heldClaim(
  held: HeldRow | undefined,
  digests: readonly string[],
  now: number,
): ProvisioningClaim {
  if (held?.request_digest && !digests.includes(held.request_digest)) return { state: 'conflict' };
  return { state: 'busy', until: held?.lease_until ?? now };
}

/** An order from its row and its SKUs (in the order they were bought). */
export function toOrder(row: OrderRow, skus: OrderSku[]): Order {
  const ends = skus.map((sku) => sku.endedAt);
  return {
    provisioningId: row.provisioning_id,
    productId: row.product_id,
    productSkus: skus.map((sku) => sku.sku),
    customerId: row.customer_id,
    providerKey: row.provider_key,
    answer: parseExact(row.answer) as Record<string, unknown>,
    createdAt: row.created_at,
    terminatedAt: ends.some((at) => at === null) ? null : Math.max(...(ends as number[])),
    skus,
  };
}

/** A provisioning failure from its row. */
export const toFailure = (row: FailureRow): ProvisioningFailure => ({
  id: row.id,
  provisioningId: row.provisioning_id,
  productId: row.product_id,
  productSkus: JSON.parse(row.product_skus),
  at: row.at,
  outcome: row.outcome,
  status: row.status,
  message: row.message,
});
