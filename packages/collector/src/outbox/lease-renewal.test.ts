import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { systemClock } from '../clock.js';
import type { RelayConfig } from '../config.js';
import { type Logger, silentLogger } from '../log.js';
import { relayKindRegistry } from '../relay-kinds.js';
import { openPostgresStore } from '../store/postgres.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { OutboxStore, Store } from '../store/types.js';
import { captureLogger } from '../test-support/chain.js';
import { purchaseFixture } from '../test-support/fixtures.js';
import { waitFor } from '../test-support/http.js';
import { createOrder, usageEvent } from '../test-support/store-contract/orders.js';
import { createTestDatabase } from '../test-support/store-contract/postgres-database.js';
import { tempDir } from '../test-support/tmp.js';
import { usageReportRelay } from '../usage/report-kind.js';
import { endpointsUnder } from './kind.js';
import { createLeaseRenewal, RELAY_LEASE_MS } from './lease-renewal.js';
import type { OnrampClient, OnrampResult } from './onramp-client.js';
import { createRelayWorker } from './worker.js';

const config: RelayConfig = {
  timeoutMs: 60_000,
  maxAgeMs: 3_600_000,
  concurrency: 4,
  backoffBaseMs: 5,
  backoffMaxMs: 20,
  pollMs: 10,
  shutdownGraceMs: 100,
};

const OK: OnrampResult = { type: 'response', ok: true, status: 200, body: '{}', retryAfter: null };
const ABORTED: OnrampResult = {
  type: 'network-error',
  ok: false,
  error: 'aborted',
  timedOut: false,
  notSent: false,
};

/** An onramp whose calls are answered when `answer` is called (or aborted); it counts them. */
function heldOnramp() {
  const calls: string[] = [];
  const waiting: (() => void)[] = [];
  const onramp: OnrampClient = {
    post: (_url, body, options) =>
      new Promise((resolve) => {
        calls.push((body as { customerId: string }).customerId);
        waiting.push(() => resolve(OK));
        options?.signal?.addEventListener('abort', () => resolve(ABORTED));
      }),
  };
  const answer = () => {
    for (const resolve of waiting.splice(0)) resolve();
  };
  return { onramp, calls, answer };
}

function startWorker(store: OutboxStore, onramp: OnrampClient, overrides: Partial<RelayConfig>) {
  const worker = createRelayWorker({
    store,
    kinds: relayKindRegistry(),
    onramp,
    endpoints: endpointsUnder('http://onramp.test'),
    clock: systemClock,
    config: { ...config, ...overrides },
    logger: silentLogger,
  });
  onTestFinished(() => worker.stop().catch(() => undefined));
  worker.start();
  return worker;
}

async function queue(store: Store, customers: readonly string[]): Promise<void> {
  for (const customerId of customers) {
    const { event, relay } = purchaseFixture({ customerId, receivedAt: Date.now() });
    await store.recordEvent(event, relay);
  }
}

// A renewal of 30 ms leases over `held`, asking `renewLeases`, stopped when the test ends.
function renewingEvery30ms(
  logger: Logger,
  held: () => { id: number; claim: number }[],
  renewLeases: OutboxStore['renewLeases'],
) {
  const renewal = createLeaseRenewal({
    store: { renewLeases },
    clock: systemClock,
    logger,
    leaseMs: 30,
    held,
  });
  renewal.start();
  onTestFinished(() => renewal.stop());
  return renewal;
}

describe('lease renewal', () => {
  it('renews a lease found lost no more, and says so once', async () => {
    const asked: number[][] = [];
    const logger = captureLogger();
    let held = [
      { id: 1, claim: 1 },
      { id: 2, claim: 1 },
    ];
    // Relay 2 was claimed again (its third attempt) since its first claim.
    const renewal = renewingEvery30ms(
      logger,
      () => held,
      async ({ claims }) => {
        asked.push(claims.map(({ id }) => id));
        return claims.filter(({ id, claim }) => id !== 2 || claim === 3).map(({ id }) => id);
      },
    );
    await waitFor(() => asked.length >= 4, { message: 'four renewals' });
    // The worker took it again later (its third attempt): renewed as any other.
    held = [{ id: 2, claim: 3 }];
    const before = asked.length;
    await waitFor(() => asked.length >= before + 2, { message: 'two more' });
    await renewal.stop();
    expect(asked[0]).toEqual([1, 2]);
    expect(asked.slice(1, before)).toEqual(asked.slice(1, before).map(() => [1]));
    expect(asked.at(-1)).toEqual([2]);
    expect(logger.lines.filter((line) => line.includes('lost while sending'))).toEqual([
      '[relay] warn: 1 lease lost while sending: claimed again or settled meanwhile',
    ]);
  });
});

describe('a call that ends while its lease is being renewed', () => {
  it('is not reported as a lost lease', async () => {
    const logger = captureLogger();
    let held = [{ id: 1, claim: 1 }];
    let renewals = 0;
    // The call's outcome is written while the renewal runs: the row is no longer in flight.
    const renewal = renewingEvery30ms(
      logger,
      () => held,
      async () => {
        renewals += 1;
        held = [];
        return [];
      },
    );
    await waitFor(() => renewals >= 1, { message: 'a renewal' });
    await renewal.stop();
    expect(logger.lines.filter((line) => line.includes('lost while sending'))).toEqual([]);
  });
});

// Two collectors' stores on a PostgreSQL database of the test's own.
async function twoPostgresInstances(): Promise<[Store, Store]> {
  const database = await createTestDatabase();
  onTestFinished(() => database.drop());
  const open = async () => {
    const store = await openPostgresStore({ url: database.url, logger: silentLogger });
    onTestFinished(() => store.close());
    return store;
  };
  return [await open(), await open()];
}

// One purchase whose call the onramp holds, on SQLite, with a 150 ms lease: once sent.
async function slowCall() {
  const store = await openSqliteStore({ path: join(tempDir(), 'c.sqlite'), logger: silentLogger });
  onTestFinished(() => store.close());
  await queue(store, ['slow']);
  const held = heldOnramp();
  startWorker(store, held.onramp, { leaseMs: 150 });
  await waitFor(() => held.calls.length === 1, { message: 'the call' });
  return { store, held };
}

describe('relay leases renewed while a call is in flight', () => {
  it('sends a call that outlasts many leases once, its lease renewed meanwhile', async () => {
    const { store, held } = await slowCall();
    const [claimed] = await store.listRelays();
    // Eight leases long; the worker looks for due relays every 10 ms meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const [renewed] = await store.listRelays();
    expect(renewed?.leaseUntil).toBeGreaterThan((claimed?.leaseUntil ?? 0) + 500);
    held.answer();
    await waitFor(async () => (await store.listRelays())[0]?.status === 'delivered');
    expect(held.calls).toEqual(['slow']);
    expect((await store.listRelays())[0]).toMatchObject({ attempts: 1, leaseUntil: null });
  });

  it('renews its leases before claiming when the event loop held up their renewal', async () => {
    const { store, held } = await slowCall();
    for (let round = 0; round < 5; round++) {
      // Synchronous work of two leases: every timer of the worker is late when it ends.
      const until = Date.now() + 300;
      while (Date.now() < until);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    held.answer();
    await waitFor(async () => (await store.listRelays())[0]?.status === 'delivered');
    expect(held.calls).toEqual(['slow']);
  });

  it('lets another instance on PostgreSQL deliver the calls of one that died within 10 s', async () => {
    const [a, b] = await twoPostgresInstances();
    const customers = ['c1', 'c2', 'c3'];
    await queue(a, customers);
    // A's calls stay with the onramp; once A is dead its store answers nothing more (closing
    // it, when the test ends, still ends its connections).
    let dead = false;
    const dying = new Proxy(a, {
      get: (target, name: keyof Store) =>
        typeof target[name] === 'function' && name !== 'close'
          ? (...args: unknown[]) =>
              dead
                ? Promise.reject(new Error('the instance is dead'))
                : (target[name] as (...a: unknown[]) => unknown).apply(target, args)
          : target[name],
    });
    const onrampA = heldOnramp();
    startWorker(dying, onrampA.onramp, {});
    await waitFor(() => onrampA.calls.length === customers.length, { message: "A's calls" });
    const onrampB = heldOnramp();
    startWorker(b, onrampB.onramp, {});
    // While A lives it renews its leases: B takes none of its calls, however long they take.
    await new Promise((resolve) => setTimeout(resolve, RELAY_LEASE_MS + 1500));
    expect(onrampB.calls).toEqual([]);

    dead = true;
    const killedAt = Date.now();
    await waitFor(() => onrampB.calls.length === customers.length, {
      timeoutMs: 10_000,
      message: "B's calls of A's relays",
    });
    const takenOverMs = Date.now() - killedAt;
    onrampB.answer();
    await waitFor(async () => (await b.countRelays()).delivered === customers.length);
    expect(takenOverMs).toBeLessThan(10_000);
    expect(onrampB.calls.sort()).toEqual(customers);
    expect((await b.listRelays()).map((relay) => relay.attempts)).toEqual([2, 2, 2]);
  }, 30_000);
});

describe('a usage report whose lease lapsed while the database paused', () => {
  it('is delivered when its answer comes, though another instance found it unconfirmed', async () => {
    const [a, b] = await twoPostgresInstances();
    await createOrder(a);
    await a.recordUsage([usageEvent('u-1', 'SKU-A', '2026-06', 1n)]);
    const now = Date.now();
    await a.closePeriod({
      period: '2026-06',
      now,
      early: false,
      report: (bucket) => usageReportRelay(bucket, now),
    });
    // A's renewals hang (the database paused for it) until `resume`.
    let resume = () => {};
    const paused = new Promise<void>((resolve) => {
      resume = resolve;
    });
    const stalled: Store = { ...a, renewLeases: (o) => paused.then(() => a.renewLeases(o)) };
    const held = heldOnramp();
    startWorker(stalled, held.onramp, { leaseMs: 150 });
    await waitFor(() => held.calls.length === 1, { message: 'the report sent' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    // B finds the lease expired: the report may have been billed.
    expect(await b.claimDueRelays({ now: Date.now(), limit: 5, leaseMs: 1000 })).toEqual([]);
    expect(await b.countReports()).toMatchObject({ unconfirmed: 1 });

    resume();
    held.answer();
    await waitFor(async () => (await b.countReports()).delivered === 1, {
      timeoutMs: 3000,
      message: 'the marketplace took it: delivered',
    });
    expect((await b.listRelays())[0]).toMatchObject({ attempts: 1, lastStatus: 200 });
  });
});
