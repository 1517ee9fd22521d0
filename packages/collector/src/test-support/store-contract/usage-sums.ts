import { describe, expect, it } from 'vitest';
import type { Store } from '../../store/types.js';
import { usageReportRelay } from '../../usage/report-kind.js';
import { fixedClock, type StoreHarness, T0 } from './harness.js';
import { createOrder, terminate, usageEvent } from './orders.js';

const clock = fixedClock(T0);
// Past 2^63 micro-units, which a signed 64-bit SUM cannot hold.
const HUGE = 2n ** 63n + 1n;

const close = (store: Store, period: string) =>
  store.closePeriod({
    period,
    now: T0,
    early: false,
    report: (bucket) => usageReportRelay(bucket, T0),
  });

// Two events of 2^62 and one of 1: a sum of 2^63 + 1.
const hugeEvents = (prefix: string, sku: string, period: string) => [
  usageEvent(`${prefix}-1`, sku, period, 2n ** 62n),
  usageEvent(`${prefix}-2`, sku, period, 2n ** 62n),
  usageEvent(`${prefix}-3`, sku, period, 1n),
];

const reportOf = async (store: Store, provisioningId: string, sku: string) =>
  (await store.listRelays()).find(
    (r) => r.kind === 'usage_report' && r.orderId === provisioningId && r.sku === sku,
  );

/** Sums of any size, and reports whose count a double cannot carry, held for the operator. */
export function describeUsageSums(harness: StoreHarness): void {
  describe('usage sums of any size', () => {
    it('sums past 2^63 exactly; the close holds that report, counted apart, and queues the others', async () => {
      const store = await harness.fresh({ clock });
      await createOrder(store);
      await createOrder(store, { provisioningId: 'prov-2', productSkus: ['SKU-A'] });
      await store.recordUsage([
        ...hugeEvents('h', 'SKU-A', '2026-06'),
        usageEvent('b-1', 'SKU-B', '2026-06', 1n),
        { ...usageEvent('c-1', 'SKU-A', '2026-06', 7n), provisioningId: 'prov-2' },
      ]);
      expect(await close(store, '2026-06')).toEqual({ queued: 2, held: 1 });
      const lines = await store.usageLines({ period: '2026-06' });
      expect(lines.map((l) => [l.provisioningId, l.sku, l.micros, l.report?.status])).toEqual([
        ['prov-1', 'SKU-A', HUGE, 'dead'],
        ['prov-1', 'SKU-B', 1n, 'pending'],
        ['prov-2', 'SKU-A', 7n, 'pending'],
      ]);
      const held = await reportOf(store, 'prov-1', 'SKU-A');
      expect(held).toMatchObject({ status: 'dead', attempts: 0 });
      expect(held?.lastError).toMatch(
        /^held: usage count 9223372036854\.775809 has 19 significant digits; .*15/,
      );
      expect(await store.countHeldReports()).toBe(1);
      // Not a dead letter to retry: the dead-letter gauge and Retry all leave it out.
      expect(await store.countRelays()).toMatchObject({ dead: 0, kept: 1, pending: 2 });
      // Only the others go out; the held one is never sent, resent or replayed.
      const claimed = await store.claimDueRelays({ now: T0, limit: 5, leaseMs: 1000 });
      expect(claimed.map((r) => [r.orderId, r.sku]).sort()).toEqual([
        ['prov-1', 'SKU-B'],
        ['prov-2', 'SKU-A'],
      ]);
      const id = held?.id ?? -1;
      expect(await store.resendReport(id, T0 + 1)).toBe(false);
      expect(await store.replayDead({ now: T0 + 1, ids: [id] })).toBe(0);
      expect(await store.replayDead({ now: T0 + 1 })).toBe(0);
      expect((await reportOf(store, 'prov-1', 'SKU-A'))?.status).toBe('dead');
    });

    it('settles a held report an operator billed by hand, sending nothing', async () => {
      const store = await harness.fresh({ clock });
      await createOrder(store);
      await store.recordUsage(hugeEvents('h', 'SKU-A', '2026-06'));
      await close(store, '2026-06');
      const id = (await reportOf(store, 'prov-1', 'SKU-A'))?.id ?? -1;
      expect(await store.confirmReport(id, T0 + 1)).toBe(true);
      expect(await reportOf(store, 'prov-1', 'SKU-A')).toMatchObject({
        status: 'delivered',
        deliveredAt: T0 + 1,
        attempts: 0,
        lastError: expect.stringMatching(
          /^billed by hand, confirmed by an operator; it was held: usage count 9223372036854\.775809/,
        ),
      });
      expect(await store.countRelays()).toMatchObject({ dead: 0, kept: 0, delivered: 1 });
      expect(await store.countHeldReports()).toBe(0);
      expect(await store.claimDueRelays({ now: T0 + 2, limit: 5, leaseMs: 1000 })).toEqual([]);
      expect(await store.confirmReport(id, T0 + 3)).toBe(false);
    });

    it('holds a count with more than 15 significant digits even far below 2^63', async () => {
      const store = await harness.fresh({ clock });
      await createOrder(store);
      await store.recordUsage([
        usageEvent('a-1', 'SKU-A', '2026-06', 1_234_567_890_123_456n),
        usageEvent('b-1', 'SKU-B', '2026-06', 10n ** 18n),
      ]);
      await close(store, '2026-06');
      // 1234567890.123456 has 16 digits; 1000000000000 has one.
      expect((await reportOf(store, 'prov-1', 'SKU-A'))?.status).toBe('dead');
      expect(await reportOf(store, 'prov-1', 'SKU-B')).toMatchObject({
        status: 'pending',
        payload: expect.objectContaining({ usageCount: '1000000000000' }),
      });
    });

    it('terminates a SKU whose open sum is past 2^63: its report held, its end queued', async () => {
      const store = await harness.fresh({ clock });
      const order = await createOrder(store);
      await store.recordUsage([
        ...hugeEvents('h', 'SKU-A', '2026-07'),
        usageEvent('b-1', 'SKU-B', '2026-07', 1n),
      ]);
      expect(await terminate(store, order, ['SKU-A', 'SKU-B'], T0)).toEqual(['SKU-A', 'SKU-B']);
      expect((await reportOf(store, 'prov-1', 'SKU-A'))?.status).toBe('dead');
      const claimed = await store.claimDueRelays({ now: T0, limit: 5, leaseMs: 1000 });
      // The end of SKU-A does not wait for a report that is never sent.
      expect(claimed.map((r) => [r.kind, r.sku]).sort()).toEqual([
        ['usage_end', 'SKU-A'],
        ['usage_report', 'SKU-B'],
      ]);
      const [line] = await store.usageLines({ provisioningId: 'prov-1' });
      expect(line?.micros).toBe(HUGE);
    });
  });
}
