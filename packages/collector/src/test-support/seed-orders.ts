import type { Order, OrdersStore, OutboxStore, Relay } from '../store/types.js';

/**
 * Creates an order as provisioning stores it: product 123 and customer `cust-<id>` unless
 * given, provider key PK-1.
 */
export async function createTestOrder(
  store: OrdersStore,
  id: string,
  skus: readonly string[],
  options: { at: number; customerId?: string; productId?: number },
): Promise<Order> {
  const customerId = options.customerId ?? `cust-${id}`;
  const { order } = await store.createOrder({
    provisioningId: id,
    productId: options.productId ?? 123,
    productSkus: [...skus],
    customerId,
    providerKey: 'PK-1',
    answer: { customerId },
    createdAt: options.at,
  });
  return order;
}

/** What a seeded relay's attempt came to; `sending` leaves it claimed (in flight). */
export type SeedOutcome = 'delivered' | 'late' | 'dead' | 'unconfirmed' | 'pending' | 'sending';

/**
 * Claims every relay due at `now`, as the worker would, and settles each as `outcome`
 * says: a 200 (`late`: after the month-end blackout began), a 400 with the marketplace's
 * message, a timeout that may have arrived, released untried, or left in flight.
 */
export async function settleRelays(
  store: OutboxStore,
  now: number,
  outcome: (relay: Relay) => SeedOutcome,
): Promise<void> {
  const claimed = await store.claimDueRelays({ now, limit: 1000, leaseMs: 60_000 });
  for (const relay of claimed) {
    const result = outcome(relay);
    const ok = { at: now, status: 200, body: '{}', error: null };
    if (result === 'delivered') await store.markDelivered(relay.id, ok);
    else if (result === 'late') await store.markDelivered(relay.id, { ...ok, lateFrom: 0 });
    else if (result === 'dead')
      await store.markDead(relay.id, {
        at: now,
        status: 400,
        body: '{"message":"unknown provisioningId"}',
        error: 'marketplace refused the call: HTTP 400',
      });
    else if (result === 'unconfirmed')
      await store.markUnconfirmed(relay.id, {
        at: now,
        status: null,
        body: null,
        error: 'timed out after 10000 ms; the marketplace may have recorded it',
      });
    else if (result === 'pending') await store.releaseClaims([relay.id]);
  }
}
