import { describe, expect, it, onTestFinished } from 'vitest';
import type { Clock } from '../clock.js';
import { silentLogger } from '../log.js';
import type { RelayKinds } from '../outbox/kind.js';
import { pauseWindows } from '../outbox/pauses.js';
import { purchaseFixture } from '../test-support/fixtures.js';
import { createOrder, usageEvent } from '../test-support/store-contract/orders.js';
import { createTestDatabase } from '../test-support/store-contract/postgres-database.js';
import { usageReportKind, usageReportRelay } from '../usage/report-kind.js';
import { openPostgresStore } from './postgres.js';
import type { Store } from './types.js';

const SKEW_MS = 45_000;
/** The worker's default lease: far shorter than the skew between the two instances. */
const LEASE_MS = 8000;

const wall: Clock = { now: () => Date.now() };
const ahead: Clock = { now: () => Date.now() + SKEW_MS };
const behind: Clock = { now: () => Date.now() - SKEW_MS };

async function instance(
  url: string,
  clock: Clock,
): Promise<{ store: Store; claim: (leaseMs?: number) => ReturnType<Store['claimDueRelays']> }> {
  const store = await openPostgresStore({ url, logger: silentLogger, clock });
  onTestFinished(() => store.close());
  const claim = (leaseMs = LEASE_MS) =>
    store.claimDueRelays({ now: clock.now(), limit: 10, leaseMs });
  return { store, claim };
}

// A database of the test's own, dropped once its stores have closed.
async function database(): Promise<string> {
  const created = await createTestDatabase();
  onTestFinished(() => created.drop());
  return created.url;
}

// A purchase and a usage report of June, both due for every instance.
async function queueBoth(store: Store): Promise<void> {
  const { event, relay } = purchaseFixture({ receivedAt: Date.now() - 2 * SKEW_MS });
  await store.recordEvent(event, { ...relay, createdAt: Date.now() - 2 * SKEW_MS });
  await createOrder(store);
  await store.recordUsage([usageEvent('a-1', 'SKU-A', '2026-06', 1n)]);
  const now = Date.now() - 2 * SKEW_MS;
  await store.closePeriod({
    period: '2026-06',
    now,
    early: false,
    report: (bucket) => usageReportRelay(bucket, now),
  });
}

describe('PostgreSQL relay leases on the database clock', () => {
  it('lets no instance whose clock is 45 s ahead take over or settle a live lease', async () => {
    const url = await database();
    const onTime = await instance(url, wall);
    const early = await instance(url, ahead);
    await queueBoth(onTime.store);
    const held = await onTime.claim();
    expect(held.map((relay) => relay.kind).sort()).toEqual(['saas_tracking', 'usage_report']);
    // To an instance 45 s ahead, a lease taken on the sender's clock would have expired.
    expect(await early.claim()).toEqual([]);
    expect(await early.store.countRelays()).toMatchObject({ in_flight: 2, unconfirmed: 0 });
    // Nor when it starts: it settles no report another instance is sending.
    const restarted = await instance(url, ahead);
    expect(await restarted.store.countRelays()).toMatchObject({ in_flight: 2, unconfirmed: 0 });
  });

  it('lets an instance whose clock is 45 s behind take over a lapsed lease at once', async () => {
    const url = await database();
    const dead = await instance(url, wall);
    const late = await instance(url, behind);
    await queueBoth(dead.store);
    const lapsed = await dead.claim(200);
    expect(lapsed).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 250));
    // The purchase is sent again; the usage report, which may have been billed, is not.
    const taken = await late.claim();
    expect(taken.map((relay) => [relay.kind, relay.attempts])).toEqual([['saas_tracking', 2]]);
    expect(await late.store.countRelays()).toMatchObject({ in_flight: 1, unconfirmed: 1 });
  });
});

// The windows the worker passes to a claim when the blackout runs from `start` to `end`
// (the real one is weeks away; on the test cluster the database's clock is this machine's).
const blackoutFrom = (start: number, end: number) => {
  const pause = { name: 'blackout', around: () => [{ start, end }] };
  const kinds = { usage_report: { ...usageReportKind, delivery: { atMostOnce: true, pause } } };
  return pauseWindows(kinds as unknown as RelayKinds);
};

describe('PostgreSQL pauses on the database clock', () => {
  async function claimKinds(clock: Clock, start: number, end: number): Promise<string[]> {
    const { store } = await instance(await database(), clock);
    await queueBoth(store);
    const now = clock.now();
    const pauses = blackoutFrom(start, end)(now);
    const claimed = await store.claimDueRelays({ now, limit: 10, leaseMs: LEASE_MS, pauses });
    return claimed.map((relay) => relay.kind).sort();
  }

  it('sends no usage report into a blackout that began on the database clock from an instance 45 s behind', async () => {
    // Begun 10 s ago: 35 s ahead by that instance's clock.
    const begun = Date.now() - 10_000;
    expect(await claimKinds(behind, begun, begun + 3_600_000)).toEqual(['saas_tracking']);
    // Over 10 s ago, still on by its clock: the report goes.
    const over = Date.now() - 10_000;
    expect(await claimKinds(behind, over - 3_600_000, over)).toEqual([
      'saas_tracking',
      'usage_report',
    ]);
  });

  it('ends no blackout early from an instance 45 s ahead', async () => {
    // Over in 10 s: over 35 s ago by that instance's clock.
    const ending = Date.now() + 10_000;
    expect(await claimKinds(ahead, ending - 3_600_000, ending)).toEqual(['saas_tracking']);
    // Begun by its clock, not yet on the database's: the report goes.
    const starting = Date.now() + 10_000;
    expect(await claimKinds(ahead, starting, starting + 3_600_000)).toEqual([
      'saas_tracking',
      'usage_report',
    ]);
  });
});

describe('PostgreSQL late deliveries on the database clock', () => {
  // Delivers the queued usage report answered now (by `clock`), late from `lateFrom`.
  async function deliveredLate(clock: Clock, lateFrom: number): Promise<boolean | undefined> {
    const { store } = await instance(await database(), clock);
    await queueBoth(store);
    const claimed = await store.claimDueRelays({ now: clock.now(), limit: 10, leaseMs: LEASE_MS });
    const report = claimed.find((relay) => relay.kind === 'usage_report');
    const answer = { at: clock.now(), status: 200, body: '{}', error: null, lateFrom };
    expect(await store.markDelivered(report?.id ?? -1, { ...answer, claim: 1 })).toBe(true);
    return (await store.listRelays()).find((relay) => relay.id === report?.id)?.late;
  }

  it('marks late a report answered after the blackout began by the database clock, 45 s behind', async () => {
    expect(await deliveredLate(behind, Date.now() - 10_000)).toBe(true);
  });

  it('marks no report late before the blackout began by the database clock, 45 s ahead', async () => {
    expect(await deliveredLate(ahead, Date.now() + 10_000)).toBe(false);
  });
});
