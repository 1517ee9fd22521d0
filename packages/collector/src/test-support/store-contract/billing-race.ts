import { describe, expect, it } from 'vitest';
import { OrderConflict, startBilling, terminate } from '../../orders/billing.js';
import type { Order, Store } from '../../store/types.js';
import { attemptAt, fixedClock, type StoreHarness, T0 } from './harness.js';
import { createOrder } from './orders.js';

const ORDERS = 40;

// What a provider API call answers: success, or the 409 of a start after the SKU's end.
const outcome = (call: Promise<unknown>) =>
  call.then(
    () => 'ok' as const,
    (error: unknown) => {
      if (error instanceof OrderConflict && error.status === 409) return 409 as const;
      throw error;
    },
  );

/**
 * For each order, its start and its termination asked at the same moment (each with the
 * order as read before either), in both orders of issue. Resolves with the starts' outcomes.
 */
export async function raceStartsAndEnds(
  orders: readonly Order[],
  starter: Store,
  ender: Store,
): Promise<('ok' | 409)[]> {
  const calls = orders.map((order, index) => {
    const start = () => outcome(startBilling(starter, order, ['SKU-A'], T0));
    const end = () => outcome(terminate(ender, order, ['SKU-A'], T0));
    if (index % 2 === 0) return Promise.all([start(), end()]).then(([started]) => started);
    return Promise.all([end(), start()]).then(([, started]) => started);
  });
  return Promise.all(calls);
}

/** Checks that no order's start was queued after its end, and that a refused start queued nothing. */
export async function expectNoStartAfterEnd(
  store: Store,
  orders: readonly Order[],
  starts: readonly ('ok' | 409)[],
): Promise<void> {
  const relays = await store.listRelays({ limit: 10 * orders.length });
  for (const [index, order] of orders.entries()) {
    const of = (kind: string) =>
      relays.find((r) => r.kind === kind && r.orderId === order.provisioningId);
    const end = of('usage_end');
    const start = of('start_billing');
    expect(end, order.provisioningId).toBeDefined();
    if (starts[index] === 409) expect(start, order.provisioningId).toBeUndefined();
    else expect(start?.id, order.provisioningId).toBeLessThan(end?.id ?? 0);
  }
}

/** Orders of one SKU each, `prefix-0` to `prefix-39`. */
export const raceOrders = (store: Store, prefix: string) =>
  Promise.all(
    Array.from({ length: ORDERS }, (_, index) =>
      createOrder(store, { provisioningId: `${prefix}-${index}`, productSkus: ['SKU-A'] }),
    ),
  );

/** A billing start and a termination of the same SKU at the same moment. */
export function describeBillingRace(harness: StoreHarness): void {
  describe('billing start against termination', () => {
    it('never queues a start after its SKU’s end; a start that loses is a 409', async () => {
      const store = await harness.fresh({ clock: fixedClock(T0) });
      const orders = await raceOrders(store, 'race');
      const starts = await raceStartsAndEnds(orders, store, store);
      await expectNoStartAfterEnd(store, orders, starts);
    });

    it('refuses a start made with the order as read before its termination', async () => {
      const store = await harness.fresh({ clock: fixedClock(T0) });
      const order = await createOrder(store, { productSkus: ['SKU-A'] });
      await terminate(store, order, ['SKU-A'], T0);
      await expect(startBilling(store, order, ['SKU-A'], T0 + 1)).rejects.toMatchObject({
        status: 409,
        message: 'SKU "SKU-A" is terminated',
      });
      const kinds = (await store.listRelays()).map((relay) => relay.kind);
      expect(kinds).toEqual(['usage_end']);
    });

    it('sends an end only once the start queued before it is delivered or dead', async () => {
      const store = await harness.fresh({ clock: fixedClock(T0) });
      const order = await createOrder(store, { productSkus: ['SKU-A'] });
      await startBilling(store, order, ['SKU-A'], T0);
      const [start] = await store.claimDueRelays({ now: T0, limit: 5, leaseMs: 1000 });
      await store.scheduleRetry(start?.id ?? -1, T0 + 50, attemptAt(T0 + 1, 503));
      await terminate(store, order, ['SKU-A'], T0 + 2);
      // The start is retrying: the end waits rather than reach the marketplace first.
      expect(await store.claimDueRelays({ now: T0 + 3, limit: 5, leaseMs: 1000 })).toEqual([]);
      const [again] = await store.claimDueRelays({ now: T0 + 50, limit: 5, leaseMs: 1000 });
      expect(again).toMatchObject({ kind: 'start_billing' });
      expect(await store.claimDueRelays({ now: T0 + 51, limit: 5, leaseMs: 1000 })).toEqual([]);
      await store.markDelivered(again?.id ?? -1, attemptAt(T0 + 52, 200));
      const [end] = await store.claimDueRelays({ now: T0 + 53, limit: 5, leaseMs: 1000 });
      expect(end).toMatchObject({ kind: 'usage_end', sku: 'SKU-A' });
    });
  });
}
