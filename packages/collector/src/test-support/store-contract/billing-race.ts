import { describe, expect, it } from 'vitest';
import { OrderConflict, startBilling, terminate } from '../../orders/billing.js';
import { SUPERSEDED_ERROR } from '../../store/superseded-starts.js';
import type { Order, Store } from '../../store/types.js';
import { afterLease, attemptAt, fixedClock, type StoreHarness, T0 } from './harness.js';
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

    it('sends an end only once a start being sent is delivered, never the start after', async () => {
      const store = await harness.fresh({ clock: fixedClock(T0) });
      const order = await createOrder(store, { productSkus: ['SKU-A'] });
      await startBilling(store, order, ['SKU-A'], T0);
      const [start] = await store.claimDueRelays({ now: T0, limit: 5, leaseMs: 1000 });
      await terminate(store, order, ['SKU-A'], T0 + 2);
      // The start is on its way: the end waits rather than reach the marketplace first.
      expect(await store.claimDueRelays({ now: T0 + 3, limit: 5, leaseMs: 1000 })).toEqual([]);
      await store.markDelivered(start?.id ?? -1, attemptAt(T0 + 4, 200));
      const [end] = await store.claimDueRelays({ now: T0 + 5, limit: 5, leaseMs: 1000 });
      expect(end).toMatchObject({ kind: 'usage_end', sku: 'SKU-A' });
    });

    it('supersedes a retrying start at the end: the end goes at once, the start never', async () => {
      const store = await harness.fresh({ clock: fixedClock(T0) });
      const order = await createOrder(store, { productSkus: ['SKU-A'] });
      await startBilling(store, order, ['SKU-A'], T0);
      const [start] = await store.claimDueRelays({ now: T0, limit: 5, leaseMs: 1000 });
      await store.scheduleRetry(start?.id ?? -1, T0 + 50, attemptAt(T0 + 1, 503, 'HTTP 503'));
      await terminate(store, order, ['SKU-A'], T0 + 2);
      const [end] = await store.claimDueRelays({ now: T0 + 3, limit: 5, leaseMs: 1000 });
      expect(end).toMatchObject({ kind: 'usage_end', sku: 'SKU-A' });
      await store.markDelivered(end?.id ?? -1, attemptAt(T0 + 4, 200));
      expect(await store.claimDueRelays({ now: T0 + 100, limit: 5, leaseMs: 1000 })).toEqual([]);
      expect(await store.findRelay('start_billing', start?.dedupeKey ?? '')).toMatchObject({
        status: 'dead',
        lastError: `${SUPERSEDED_ERROR} (last attempt: HTTP 503)`,
      });
    });

    it('never sends a dead start after its SKU’s end, whatever replays it', async () => {
      const store = await harness.fresh({ clock: fixedClock(T0) });
      const order = await createOrder(store, { productSkus: ['SKU-A'] });
      await startBilling(store, order, ['SKU-A'], T0);
      const [start] = await store.claimDueRelays({ now: T0, limit: 5, leaseMs: 1000 });
      await store.markDead(start?.id ?? -1, attemptAt(T0 + 1, 400, 'HTTP 400: rejected'));
      await terminate(store, order, ['SKU-A'], T0 + 2);
      const [end] = await store.claimDueRelays({ now: T0 + 3, limit: 5, leaseMs: 1000 });
      expect(end).toMatchObject({ kind: 'usage_end' });
      await store.markDelivered(end?.id ?? -1, attemptAt(T0 + 4, 200));
      expect(await store.replayDead({ now: T0 + 5, ids: [start?.id ?? -1] })).toBe(0);
      expect(await store.replayDead({ now: T0 + 6 })).toBe(0);
      expect(await store.claimDueRelays({ now: T0 + 7, limit: 5, leaseMs: 1000 })).toEqual([]);
      // Nothing to retry: kept apart from the dead letters.
      expect(await store.countRelays()).toMatchObject({ dead: 0, kept: 1, delivered: 1 });
      const [after] = (await store.getOrder(order.provisioningId))?.skus ?? [];
      expect(after?.billing).toMatchObject({
        status: 'dead',
        lastError: `${SUPERSEDED_ERROR} (last attempt: HTTP 400: rejected)`,
      });
    });

    it('supersedes a start that failed or lost its sender while its SKU’s end waited', async () => {
      const store = await harness.fresh({ clock: fixedClock(T0) });
      const order = await createOrder(store, { productSkus: ['SKU-A', 'SKU-B'] });
      await startBilling(store, order, ['SKU-A', 'SKU-B'], T0);
      const [a, b] = await store.claimDueRelays({ now: T0, limit: 5, leaseMs: 100 });
      await terminate(store, order, ['SKU-A', 'SKU-B'], T0 + 2);
      // SKU-A's start comes back to be retried; SKU-B's sender is never heard of again.
      await store.scheduleRetry(a?.id ?? -1, T0 + 3, attemptAt(T0 + 3, 503, 'HTTP 503'));
      await afterLease(100);
      const ends = await store.claimDueRelays({ now: T0 + 2000, limit: 5, leaseMs: 1000 });
      expect(ends.map((relay) => [relay.kind, relay.sku])).toEqual([
        ['usage_end', 'SKU-A'],
        ['usage_end', 'SKU-B'],
      ]);
      for (const start of [a, b]) {
        expect(await store.findRelay('start_billing', start?.dedupeKey ?? '')).toMatchObject({
          status: 'dead',
          lastError: expect.stringMatching(/^superseded: /),
        });
      }
    });
  });
}
