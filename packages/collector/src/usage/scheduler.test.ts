import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { silentLogger } from '../log.js';
import { usageEndRelay } from '../orders/relay-kinds.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/types.js';
import { tempDir } from '../test-support/tmp.js';
import { closePeriodNow } from './close.js';
import { createUsageScheduler } from './scheduler.js';

const at = (text: string) => Date.parse(text);
const CALENDAR = { zone: 'America/Chicago', closeAt: { hour: 14, minute: 0 } };

async function storeWithUsage(occurredAt: string) {
  const store = await openSqliteStore({ path: join(tempDir(), 'c.sqlite'), logger: silentLogger });
  onTestFinished(() => store.close());
  await store.createOrder({
    provisioningId: 'p-1',
    productId: 9,
    productSkus: ['SKU-A'],
    customerId: 'c-1',
    providerKey: 'PK-1',
    answer: { customerId: 'c-1' },
    createdAt: at('2026-06-01T00:00:00Z'),
  });
  const period = new Date(at(occurredAt)).toISOString().slice(0, 7);
  await store.recordUsage([
    {
      eventId: 'e-1',
      provisioningId: 'p-1',
      sku: 'SKU-A',
      micros: 2_500_000n,
      occurredAt: at(occurredAt),
      receivedAt: at(occurredAt),
      period,
    },
  ]);
  return store;
}

function scheduler(store: Store, now: () => number) {
  const notified = { count: 0 };
  const s = createUsageScheduler({
    store,
    clock: { now },
    logger: silentLogger,
    calendar: CALENDAR,
    relay: { notify: () => void notified.count++ },
  });
  return { s, notified };
}

const reports = async (store: Store) =>
  (await store.listRelays()).filter((relay) => relay.kind === 'usage_report');

describe('usage scheduler', () => {
  it('closes nothing before the close time and the period at it, with one report', async () => {
    const store = await storeWithUsage('2026-07-10T12:00:00Z');
    let now = at('2026-07-31T18:59:59Z');
    const { s, notified } = scheduler(store, () => now);
    await s.tick();
    expect(await reports(store)).toEqual([]);
    expect(new Date(s.nextClose()).toISOString()).toBe('2026-07-31T19:00:00.000Z');
    now = at('2026-07-31T19:00:00Z');
    await s.tick();
    await s.tick();
    expect(await reports(store)).toMatchObject([
      { period: '2026-07', status: 'pending', payload: { usageCount: '2.5' } },
    ]);
    expect(notified.count).toBe(1);
    expect(await store.lastClosedPeriod()).toBe('2026-07');
  });

  it('closes an overdue period at start, outside the blackout, and none inside it', async () => {
    const store = await storeWithUsage('2026-06-10T12:00:00Z');
    // Down through the June close; started again in the July blackout.
    let now = at('2026-07-31T21:00:00Z');
    const { s } = scheduler(store, () => now);
    await s.tick();
    expect(await reports(store)).toEqual([]);
    now = at('2026-08-01T00:00:00Z');
    await s.tick();
    expect((await reports(store)).map((r) => r.period)).toEqual(['2026-06']);
    expect((await store.listClosedPeriods()).map((p) => p.period)).toEqual(['2026-07', '2026-06']);
  });

  it('starts and stops with the collector, closing what is due at start', async () => {
    const store = await storeWithUsage('2026-05-10T12:00:00Z');
    const { s } = scheduler(store, () => at('2026-06-02T12:00:00Z'));
    s.start();
    await s.tick();
    await s.stop();
    expect((await reports(store)).map((r) => r.period)).toEqual(['2026-05']);
  });

  it('closes at once when a check that began before the close ended after it', async () => {
    const store = await storeWithUsage('2026-07-10T12:00:00Z');
    // A slow check on a busy host: it looks at 18:59:59.900 and is done at 19:00:00.300. The
    // scheduler checks again at most every minute (default), so only looking again at once
    // closes July within the second.
    let now = at('2026-07-31T18:59:59.900Z');
    const clock = () => {
      const seen = now;
      now = at('2026-07-31T19:00:00.300Z');
      return seen;
    };
    const { s } = scheduler(store, clock);
    s.start();
    onTestFinished(() => s.stop());
    await vi.waitFor(async () => expect(await reports(store)).toHaveLength(1), { timeout: 2000 });
    expect(await store.lastClosedPeriod()).toBe('2026-07');
  });

  it('closes at once when a check inside the blackout ended after it', async () => {
    const store = await storeWithUsage('2026-06-10T12:00:00Z');
    // Down through the June close; started a moment before the blackout ends (00:00Z).
    let now = at('2026-06-30T23:59:59.900Z');
    const clock = () => {
      const seen = now;
      now = at('2026-07-01T00:00:00.300Z');
      return seen;
    };
    const { s } = scheduler(store, clock);
    s.start();
    onTestFinished(() => s.stop());
    await vi.waitFor(async () => expect(await reports(store)).toHaveLength(1), { timeout: 2000 });
    expect(await reports(store)).toMatchObject([{ period: '2026-06' }]);
  });

  it('closes by hand up to the period named and no further', async () => {
    const store = await storeWithUsage('2026-05-10T12:00:00Z');
    const closed = await closePeriodNow(store, CALENDAR, {
      period: '2026-05',
      now: at('2026-07-15T12:00:00Z'),
      early: false,
    });
    expect(closed).toEqual([{ period: '2026-05', reports: 1, held: 0 }]);
    expect((await store.listClosedPeriods()).map((p) => p.period)).toEqual(['2026-05']);
    await expect(
      closePeriodNow(store, CALENDAR, {
        period: '2026-07',
        now: at('2026-07-15T12:00:00Z'),
        early: false,
      }),
    ).rejects.toThrow('2026-07 closes at 2026-07-31T19:00:00.000Z; use --early to close it now');
  });

  it('lets an end wait for the usage report of its SKU', async () => {
    const store = await storeWithUsage('2026-07-10T12:00:00Z');
    const order = await store.getOrder('p-1');
    if (!order) throw new Error('no order');
    await store.terminateSkus({
      provisioningId: 'p-1',
      skus: ['SKU-A'],
      now: at('2026-07-11T00:00:00Z'),
      usageReport: (bucket) => ({
        kind: 'usage_report',
        dedupeKey: JSON.stringify([bucket.provisioningId, bucket.sku, bucket.period]),
        partnerKey: 'PK-1',
        serviceName: null,
        customerId: 'c-1',
        orderId: 'p-1',
        sku: bucket.sku,
        period: bucket.period,
        payload: {},
        purchasedAt: null,
        createdAt: 0,
      }),
      end: (sku) => usageEndRelay(order, sku, 0),
    });
    const claim = () =>
      store.claimDueRelays({ now: at('2026-07-12T00:00:00Z'), limit: 10, leaseMs: 1000 });
    expect((await claim()).map((r) => r.kind)).toEqual(['usage_report']);
    expect(await claim()).toEqual([]);
  });
});
