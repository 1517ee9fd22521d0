import { describe, expect, it } from 'vitest';
import { parseExact, stringifyExact } from '../../exact-json.js';
import { startBillingRelay, usageEndRelay } from '../../orders/relay-kinds.js';
import type { NewOrder, Order, Store } from '../../store/types.js';
import { usageReportRelay } from '../../usage/report-kind.js';
import { waitFor } from '../http.js';
import { attemptAt, fixedClock, type StoreHarness, T0 } from './harness.js';

const clock = fixedClock(T0);

// The provider's answer, with numbers a double would round or rewrite.
const ANSWER =
  '{"customerId":"cust-9","zeta":1,"big":12345678901234567890,"price":12.50,"alpha":{"nested":["x","ü"]}}';

/** An order as the provider accepted it. */
export const orderFixture = (overrides: Partial<NewOrder> = {}): NewOrder => ({
  provisioningId: 'prov-1',
  productId: 4242,
  productSkus: ['SKU-A', 'SKU-B'],
  customerId: 'cust-9',
  providerKey: 'PK-1',
  answer: parseExact(ANSWER) as Record<string, unknown>,
  createdAt: T0,
  ...overrides,
});

/** Creates the order and resolves with it as stored. */
export async function createOrder(store: Store, overrides: Partial<NewOrder> = {}) {
  return (await store.createOrder(orderFixture(overrides))).order;
}

/** Terminates `skus` of `order` at `now` with the real report and end relays. */
export const terminate = (store: Store, order: Order, skus: readonly string[], now: number) =>
  store.terminateSkus({
    provisioningId: order.provisioningId,
    skus,
    now,
    usageReport: (bucket) => usageReportRelay(bucket, now),
    end: (sku) => usageEndRelay(order, sku, now),
  });

/** Orders, their SKUs, the relays made for them, and provisioning failures. */
export function describeOrders(harness: StoreHarness): void {
  describe('orders', () => {
    it('creates an order once and keeps the first on a repeat', async () => {
      const store = await harness.fresh({ clock });
      expect(await store.getOrder('prov-1')).toBeNull();
      const first = await store.createOrder(orderFixture());
      const expected = {
        ...orderFixture(),
        productSkus: ['SKU-A', 'SKU-B'],
        terminatedAt: null,
        skus: [
          { sku: 'SKU-A', billing: null, end: null, endedAt: null },
          { sku: 'SKU-B', billing: null, end: null, endedAt: null },
        ],
      };
      expect(first).toEqual({ created: true, order: expected });
      // The provider's answer reads back as it was written, key order and digits included.
      expect(stringifyExact(first.order.answer)).toBe(ANSWER);
      expect(stringifyExact((await store.getOrder('prov-1'))?.answer)).toBe(ANSWER);
      const repeat = await store.createOrder(
        orderFixture({ customerId: 'other', productSkus: ['SKU-C'], createdAt: T0 + 5 }),
      );
      expect(repeat).toEqual({ created: false, order: expected });
      expect(await store.getOrder('prov-1')).toEqual(expected);
    });

    it('creates an order once when the same one is stored concurrently', async () => {
      const store = await harness.fresh({ clock });
      const results = await Promise.all(
        ['c-1', 'c-2', 'c-3'].map((customerId) =>
          store.createOrder(orderFixture({ customerId, answer: { customerId } })),
        ),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const kept = results.find((r) => r.created)?.order;
      for (const result of results) expect(result.order).toEqual(kept);
    });

    it('lists orders newest first', async () => {
      const store = await harness.fresh({ clock });
      await createOrder(store, { provisioningId: 'old', createdAt: T0 });
      await createOrder(store, { provisioningId: 'new', createdAt: T0 + 10 });
      await createOrder(store, { provisioningId: 'same-time', createdAt: T0 + 10 });
      expect((await store.listOrders()).map((o) => o.provisioningId)).toEqual([
        'same-time',
        'new',
        'old',
      ]);
      expect((await store.listOrders({ limit: 1 })).map((o) => o.provisioningId)).toEqual([
        'same-time',
      ]);
    });

    // On the wall clock: PostgreSQL keeps leases on the database's (instances' clocks may
    // differ), SQLite on the `now` it is given.
    it('lets one owner at a time forward an order, until it exists', async () => {
      const store = await harness.fresh();
      const claim = (owner: string, leaseMs = 60_000) =>
        store.claimProvisioning({
          requestKey: 'prov-1',
          digest: 'd-1',
          owner,
          now: Date.now(),
          leaseMs,
        });
      const busy = { state: 'busy', until: expect.any(Number) };
      expect(await claim('a')).toEqual({ state: 'claimed' });
      expect(await claim('b')).toEqual(busy);
      // Its owner may claim it again (the lease is renewed).
      expect(await claim('a')).toEqual({ state: 'claimed' });
      // Only its owner ends a claim.
      await store.releaseProvisioning('prov-1', 'b');
      expect(await claim('b')).toEqual(busy);
      await store.releaseProvisioning('prov-1', 'a');
      expect(await claim('b', 50)).toEqual({ state: 'claimed' });
      // A claim whose owner died expires and is taken over.
      expect(await claim('c')).toEqual(busy);
      await waitFor(async () => (await claim('c')).state === 'claimed', {
        message: 'the expired claim to be taken over',
      });
      const order = await createOrder(store);
      expect(await claim('d')).toEqual({ state: 'ordered', order });
      await store.releaseProvisioning('prov-1', 'c');
      expect(await claim('d')).toEqual({ state: 'ordered', order });
    });

    it('lets one of many concurrent claims forward an order', async () => {
      const store = await harness.fresh({ clock });
      const claims = await Promise.all(
        ['a', 'b', 'c', 'd'].map((owner) =>
          store.claimProvisioning({
            requestKey: 'prov-1',
            digest: 'd-1',
            owner,
            now: T0,
            leaseMs: 1000,
          }),
        ),
      );
      expect(claims.filter((c) => c.state === 'claimed')).toHaveLength(1);
      expect(claims.filter((c) => c.state === 'busy')).toHaveLength(3);
    });

    it('tells another order under a used key (another digest) from a repeat', async () => {
      const store = await harness.fresh({ clock });
      const claim = (owner: string, digest: string, requestKey = 'prov-1') =>
        store.claimProvisioning({ requestKey, digest, owner, now: Date.now(), leaseMs: 60_000 });
      expect(await claim('a', 'd-1')).toEqual({ state: 'claimed' });
      // While it is being forwarded: the same order waits, another one conflicts.
      expect(await claim('b', 'd-1')).toMatchObject({ state: 'busy' });
      expect(await claim('b', 'd-2')).toEqual({ state: 'conflict' });
      const order = await createOrder(store, { requestDigest: 'd-1' });
      await store.releaseProvisioning('prov-1', 'a');
      expect(await claim('c', 'd-1')).toEqual({ state: 'ordered', order });
      expect(await claim('c', 'd-2')).toEqual({ state: 'conflict' });
      // An order stored without a digest (before they were kept) matches any request.
      const old = await createOrder(store, { provisioningId: 'prov-old' });
      expect(await claim('d', 'd-9', 'prov-old')).toEqual({ state: 'ordered', order: old });
    });

    it('finds an order by a request key other than its provisioningId (v1)', async () => {
      const store = await harness.fresh({ clock });
      const order = await createOrder(store, {
        provisioningId: 'coid-7',
        requestKey: 'v1:d-7',
        requestDigest: 'd-7',
      });
      expect(order.provisioningId).toBe('coid-7');
      const claim = { digest: 'd-7', owner: 'a', now: T0, leaseMs: 1000 };
      expect(await store.claimProvisioning({ ...claim, requestKey: 'v1:d-7' })).toEqual({
        state: 'ordered',
        order,
      });
      expect(await store.claimProvisioning({ ...claim, requestKey: 'coid-7' })).toEqual({
        state: 'claimed',
      });
      // The same customer for another request: the first order is kept, and that request's
      // key becomes its alias, so a repeat of it is found without calling the provider.
      const again = await store.createOrder(
        orderFixture({ provisioningId: 'coid-7', requestKey: 'v1:d-8', requestDigest: 'd-8' }),
      );
      expect(again).toEqual({ created: false, order });
      const alias = { ...claim, requestKey: 'v1:d-8', owner: 'b' };
      expect(await store.claimProvisioning({ ...alias, digest: 'd-8' })).toEqual({
        state: 'ordered',
        order,
      });
      expect(await store.claimProvisioning({ ...alias, digest: 'd-9' })).toEqual({
        state: 'conflict',
      });
      expect(await store.listOrders()).toEqual([order]);
    });

    it('keeps one random request digest key per database, whoever asks and however often', async () => {
      const store = await harness.fresh({ clock });
      const key = await store.requestDigestKey();
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      expect(await Promise.all([store.requestDigestKey(), store.requestDigestKey()])).toEqual([
        key,
        key,
      ]);
      await store.close();
      const reopened = await harness.reopen({ clock });
      expect(await reopened.requestDigestKey()).toBe(key);
      const other = await harness.fresh({ clock });
      expect(await other.requestDigestKey()).not.toBe(key);
    });

    it('recognises a repeat of an order stored before digests were keyed', async () => {
      const store = await harness.fresh({ clock });
      const order = await createOrder(store, {
        provisioningId: 'coid-3',
        requestKey: 'v1:plain-3',
        requestDigest: 'plain-3',
      });
      const claim = { owner: 'a', now: T0, leaseMs: 1000 };
      const legacy = { requestKey: 'v1:plain-3', digest: 'plain-3' };
      expect(
        await store.claimProvisioning({
          ...claim,
          requestKey: 'v1:keyed-3',
          digest: 'keyed-3',
          legacy,
        }),
      ).toEqual({ state: 'ordered', order });
      // Under v2 the key stays the provisioningId: the old digest still matches.
      await createOrder(store, { provisioningId: 'prov-4', requestDigest: 'plain-4' });
      const v2 = { ...claim, requestKey: 'prov-4', digest: 'keyed-4' };
      expect(
        await store.claimProvisioning({
          ...v2,
          legacy: { requestKey: 'prov-4', digest: 'plain-4' },
        }),
      ).toMatchObject({ state: 'ordered' });
      expect(
        await store.claimProvisioning({
          ...v2,
          legacy: { requestKey: 'prov-4', digest: 'plain-5' },
        }),
      ).toEqual({ state: 'conflict' });
    });

    it('keeps provisioning failures, newest first', async () => {
      const store = await harness.fresh({ clock });
      const failure = {
        provisioningId: 'prov-x',
        productId: 7,
        productSkus: ['S-1', 'S-2'],
        at: T0,
        outcome: 'refused' as const,
        status: 422,
        message: 'the e-mail is taken\nchoose another',
      };
      await store.recordProvisioningFailure(failure);
      await store.recordProvisioningFailure({
        ...failure,
        at: T0 + 1,
        outcome: 'failed',
        status: null,
        message: 'timeout',
      });
      const listed = await store.listProvisioningFailures();
      expect(listed.map((f) => [f.outcome, f.status, f.message])).toEqual([
        ['failed', null, 'timeout'],
        ['refused', 422, 'the e-mail is taken\nchoose another'],
      ]);
      expect(listed[1]).toEqual({ ...failure, id: expect.any(Number) });
      expect(await store.listProvisioningFailures({ limit: 1 })).toHaveLength(1);
    });

    it('queues order relays once and shows them on the SKUs', async () => {
      const store = await harness.fresh({ clock });
      const order = await createOrder(store);
      const relays = order.productSkus.map((sku) => startBillingRelay(order, sku, T0));
      const queued = await store.queueOrderRelays(relays);
      expect(queued.map((q) => [q.queued, q.relay.status])).toEqual([
        [true, 'pending'],
        [true, 'pending'],
      ]);
      const again = await store.queueOrderRelays(relays.slice(0, 1));
      expect(again).toEqual([{ queued: false, relay: queued[0]?.relay }]);

      const [claimed] = await store.claimDueRelays({ now: T0, limit: 1, leaseMs: 1000 });
      await store.markDelivered(claimed?.id ?? -1, attemptAt(T0 + 3, 200));
      const stored = await store.getOrder(order.provisioningId);
      expect(stored?.skus.map((s) => [s.sku, s.billing])).toEqual([
        [
          'SKU-A',
          { id: queued[0]?.relay.id, status: 'delivered', lastError: null, deliveredAt: T0 + 3 },
        ],
        [
          'SKU-B',
          { id: queued[1]?.relay.id, status: 'pending', lastError: null, deliveredAt: null },
        ],
      ]);
    });

    it('terminates SKUs once: their open usage is reported, then their end', async () => {
      const store = await harness.fresh({ clock });
      const order = await createOrder(store);
      await store.recordUsage([
        usageEvent('u-1', 'SKU-A', '2026-06', 1_500_000n),
        usageEvent('u-2', 'SKU-A', '2026-07', 250_000n),
        usageEvent('u-3', 'SKU-B', '2026-07', 1n),
      ]);
      expect(await terminate(store, order, ['SKU-A', 'SKU-C'], T0 + 100)).toEqual(['SKU-A']);
      expect(await terminate(store, order, ['SKU-A'], T0 + 200)).toEqual([]);

      const relays = (await store.pageRelays({ afterId: 0, limit: 10 })).map((r) => [
        r.kind,
        r.sku,
        r.period,
        r.kind === 'usage_report' ? (r.payload as { usageCount: string }).usageCount : null,
      ]);
      expect(relays).toEqual([
        ['usage_report', 'SKU-A', '2026-06', '1.5'],
        ['usage_report', 'SKU-A', '2026-07', '0.25'],
        ['usage_end', 'SKU-A', null, null],
      ]);
      const stored = await store.getOrder(order.provisioningId);
      expect(stored?.terminatedAt).toBeNull();
      expect(stored?.skus.map((s) => [s.sku, s.endedAt, s.end?.status ?? null])).toEqual([
        ['SKU-A', T0 + 100, 'pending'],
        ['SKU-B', null, null],
      ]);
      expect(await terminate(store, order, ['SKU-B'], T0 + 300)).toEqual(['SKU-B']);
      expect((await store.getOrder(order.provisioningId))?.terminatedAt).toBe(T0 + 300);
    });
  });
}

/** A usage event of `prov-1`. */
export const usageEvent = (eventId: string, sku: string, period: string, micros: bigint) => ({
  eventId,
  provisioningId: 'prov-1',
  sku,
  micros,
  occurredAt: T0,
  receivedAt: T0,
  period,
});
