import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { startBilling, terminate as terminateOrder } from '../orders/billing.js';
import { usageEndRelay } from '../orders/relay-kinds.js';
import { purchaseFixture } from '../test-support/fixtures.js';
import {
  expectNoStartAfterEnd,
  raceOrders,
  raceStartsAndEnds,
} from '../test-support/store-contract/billing-race.js';
import { afterLease, fixedClock, T0 } from '../test-support/store-contract/harness.js';
import { orderFixture, usageEvent } from '../test-support/store-contract/orders.js';
import {
  createTestDatabase,
  queryDatabase,
  type TestDatabase,
  testClusterUrl,
} from '../test-support/store-contract/postgres-database.js';
import { formatMicros } from '../usage/decimal.js';
import { usageReportRelay } from '../usage/report-kind.js';
import { LOCKS } from './postgres/db.js';
import { postgresMigrations } from './postgres/migrations.js';
import { openPostgresStore } from './postgres.js';
import type { Store } from './types.js';

// Each test gets a database of its own: several stores on one database are the subject.
const databases: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
});

async function freshDatabase(): Promise<string> {
  const database = await createTestDatabase();
  databases.push(database);
  return database.url;
}

function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const add = (level: string) => (component: string, message: string) =>
    void lines.push(`${level} [${component}] ${message}`);
  return { lines, debug: add('debug'), info: add('info'), warn: add('warn'), error: add('error') };
}

async function open(
  url: string,
  options: { logger?: Logger; now?: number; poolSize?: number; releaseInterrupted?: boolean } = {},
): Promise<Store> {
  const { logger = silentLogger, now = T0, ...rest } = options;
  const store = await openPostgresStore({ url, logger, clock: fixedClock(now), ...rest });
  onTestFinished(() => store.close());
  return store;
}

/** Two instances of the collector on one fresh database. */
async function twoInstances(now = T0): Promise<[Store, Store, string]> {
  const url = await freshDatabase();
  const [a, b] = await Promise.all([open(url, { now }), open(url, { now })]);
  return [a, b, url];
}

const closeWith = (store: Store, period: string, now = T0) =>
  store.closePeriod({
    period,
    now,
    early: false,
    report: (bucket) => usageReportRelay(bucket, now),
  });

// Without CLM_TEST_PG_URL every test fails with how to get a database, none is skipped.
beforeAll(() => {
  testClusterUrl();
});

describe('the PostgreSQL schema', () => {
  it('is migrated once when two instances start together on a fresh database', async () => {
    const url = await freshDatabase();
    const loggers = [captureLogger(), captureLogger(), captureLogger()];
    await Promise.all(loggers.map((logger) => open(url, { logger })));
    const migrated = loggers.flatMap((logger) =>
      logger.lines.filter((line) => line.includes('migrated schema to version')),
    );
    expect(migrated).toEqual(
      postgresMigrations.map((_, i) => `info [store] migrated schema to version ${i + 1}`),
    );
    expect(await queryDatabase(url, 'SELECT version FROM clm_schema_version')).toEqual([
      { version: postgresMigrations.length },
    ]);
  });

  it('refuses a database migrated by a newer collector', async () => {
    const url = await freshDatabase();
    const first = await open(url);
    await first.close();
    const newer = postgresMigrations.length + 1;
    await queryDatabase(url, 'UPDATE clm_schema_version SET version = $1', [newer]);
    await expect(open(url)).rejects.toThrow(
      `database schema version ${newer} is newer than this collector (${postgresMigrations.length}): upgrade the collector`,
    );
  });

  it('indexes events only as statements read them (no events_received since migration 8)', async () => {
    const url = await freshDatabase();
    await open(url);
    const rows = await queryDatabase(
      url,
      "SELECT indexname FROM pg_indexes WHERE tablename = 'events' ORDER BY indexname",
    );
    expect(rows).toEqual([{ indexname: 'events_pkey' }, { indexname: 'events_type_received' }]);
  });

  it('keeps relays unique per kind and dedupe key in the database itself', async () => {
    const url = await freshDatabase();
    const store = await open(url);
    const { event, relay } = purchaseFixture();
    await store.recordEvent(event, relay);
    await expect(
      queryDatabase(
        url,
        `INSERT INTO relays (kind, dedupe_key, partner_key, customer_id, payload, next_attempt_at,
           created_at, updated_at)
         VALUES ('saas_tracking', $1, 'PK-1', 'cust-1', '{}', 0, 0, 0)`,
        [relay.dedupeKey],
      ),
    ).rejects.toThrow(/duplicate key value violates unique constraint/);
  });
});

describe('the connection string', () => {
  it('never shows its password in logs or errors', async () => {
    const url = new URL(await freshDatabase());
    url.password = 'hunter2-secret';
    const logger = captureLogger();
    const store = await open(url.toString(), { logger });
    await store.ping();
    expect(logger.lines.join('\n')).toContain(':***@');
    expect(logger.lines.join('\n')).not.toContain('hunter2');

    // Nothing listens on port 1.
    url.port = '1';
    const failure = await open(url.toString()).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(String((failure as Error).message)).toMatch(
      /^cannot open the database postgres:\/\/\w+:\*\*\*@[^ ]+ \(CLM_DB\): /,
    );
    expect(String((failure as Error).message)).not.toContain('hunter2');
  });

  it('survives connections the server ends, idle or in a transaction', async () => {
    const url = await freshDatabase();
    const logger = captureLogger();
    const store = await open(url, { logger });
    await store.createOrder(orderFixture());
    const name = new URL(url).pathname.slice(1);
    const terminate = () =>
      queryDatabase(
        testClusterUrl(),
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1',
        [name],
      );
    await terminate();
    await expect
      .poll(() => logger.lines.some((line) => line.includes('connection lost')))
      .toBe(true);
    await store.ping();

    // A close waits for the close lock, held elsewhere; its connection is ended meanwhile.
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    onTestFinished(() => holder.end());
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.close]);
    const closing = closeWith(store, '2026-06');
    await expect
      .poll(
        async () =>
          (
            await queryDatabase<{ n: number }>(
              testClusterUrl(),
              `SELECT COUNT(*)::int AS n FROM pg_stat_activity
             WHERE datname = $1 AND wait_event_type = 'Lock' AND wait_event = 'advisory'`,
              [name],
            )
          )[0]?.n,
      )
      .toBe(1);
    await queryDatabase(
      testClusterUrl(),
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = $1 AND wait_event = 'advisory'`,
      [name],
    );
    await expect(closing).rejects.toThrow();
    await holder.query('ROLLBACK');
    // Nothing was half done, and the store goes on.
    expect(await store.lastClosedPeriod()).toBeNull();
    expect(await closeWith(store, '2026-06')).toEqual({ queued: 0, held: 0 });
  });

  it('opens at most poolSize connections', async () => {
    const url = await freshDatabase();
    const store = await open(url, { poolSize: 2 });
    await Promise.all(Array.from({ length: 20 }, () => store.countEvents()));
    const name = new URL(url).pathname.slice(1);
    const [row] = await queryDatabase<{ n: number }>(
      testClusterUrl(),
      'SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
      [name],
    );
    expect(row?.n).toBe(2);
  });
});

describe('several instances on one database', () => {
  it('never claim the same relay', async () => {
    const [a, b] = await twoInstances();
    const total = 300;
    for (let i = 0; i < total; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) => {
          const { event, relay } = purchaseFixture({ customerId: `c${i + j}` });
          return a.recordEvent(event, relay);
        }),
      );
    }
    const claimedBy = async (store: Store) => {
      const ids: number[] = [];
      for (;;) {
        const batch = await store.claimDueRelays({ now: T0, limit: 7, leaseMs: 60_000 });
        if (batch.length === 0) return ids;
        ids.push(...batch.map((relay) => relay.id));
      }
    };
    const claims = await Promise.all([claimedBy(a), claimedBy(b), claimedBy(a), claimedBy(b)]);
    const all = claims.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(total);
    expect(await a.countRelays()).toMatchObject({ pending: 0, in_flight: total });
  });

  it('leave another instance its claims on open; an expired lease makes them due', async () => {
    const url = await freshDatabase();
    const running = await open(url);
    const { event, relay } = purchaseFixture();
    await running.recordEvent(event, relay);
    const [claimed] = await running.claimDueRelays({ now: T0, limit: 1, leaseMs: 60_000 });

    const starting = await open(url);
    expect(await starting.countRelays()).toMatchObject({ pending: 0, in_flight: 1 });
    expect(await starting.claimDueRelays({ now: T0 + 59_999, limit: 5, leaseMs: 1000 })).toEqual(
      [],
    );
    // The first instance finishes its call under its claim.
    expect(
      await running.markDelivered(claimed?.id ?? -1, {
        at: T0 + 5,
        status: 200,
        body: '{}',
        error: null,
        claim: 1,
      }),
    ).toBe(true);

    // One that stopped without finishing: its relay is due once the lease expires (on the
    // database's clock).
    const other = purchaseFixture({ customerId: 'cust-2' });
    await running.recordEvent(other.event, other.relay);
    await running.claimDueRelays({ now: T0, limit: 1, leaseMs: 100 });
    await running.close();
    await afterLease(100);
    const [resumed] = await starting.claimDueRelays({ now: T0 + 100, limit: 5, leaseMs: 1000 });
    expect(resumed).toMatchObject({ customerId: 'cust-2', attempts: 2 });
  });

  it('turn a usage report with an expired lease unconfirmed, not sent again, until its late answer', async () => {
    const [a, b, url] = await twoInstances();
    await a.createOrder(orderFixture());
    await a.recordUsage([usageEvent('u-1', 'SKU-A', '2026-06', 3n)]);
    await closeWith(a, '2026-06');
    const [report] = await a.claimDueRelays({ now: T0, limit: 5, leaseMs: 300 });
    expect(report?.kind).toBe('usage_report');

    // The instance sending it hangs past its lease (on the database's clock, whatever the
    // instances' say); the other one claims meanwhile.
    expect(await b.claimDueRelays({ now: T0 + 60_000, limit: 5, leaseMs: 1000 })).toEqual([]);
    expect(await b.countReports()).toMatchObject({ in_flight: 1 });
    await afterLease(300);
    expect(await b.claimDueRelays({ now: T0 + 1000, limit: 5, leaseMs: 1000 })).toEqual([]);
    expect((await b.listRelays())[0]).toMatchObject({
      status: 'unconfirmed',
      leaseUntil: null,
      attempts: 1,
      // Still dated when it was sent (claimed), not when it was found interrupted.
      updatedAt: T0,
      lastError: 'interrupted while sending: the marketplace may have received it',
    });
    // The sender was only stalled (the database, or its event loop): the marketplace's
    // answer, when it comes under the same claim, is what became of the report.
    expect(
      await a.markDelivered(report?.id ?? -1, {
        at: T0 + 2000,
        status: 200,
        body: '{}',
        error: null,
        claim: 1,
      }),
    ).toBe(true);
    expect((await b.listRelays())[0]).toMatchObject({
      status: 'delivered',
      deliveredAt: T0 + 2000,
      lastError: null,
    });

    // An instance starting after the lease expired settles such reports at once, and says so.
    await b.createOrder(orderFixture({ provisioningId: 'prov-2' }));
    await b.recordUsage([
      { ...usageEvent('u-2', 'SKU-A', '2026-07', 1n), provisioningId: 'prov-2' },
    ]);
    await closeWith(b, '2026-07');
    await b.claimDueRelays({ now: T0, limit: 5, leaseMs: 100 });
    await afterLease(100);
    const logger = captureLogger();
    const starting = await open(url, { logger, now: T0 + 1000 });
    expect(logger.lines).toContain(
      'warn [store] 1 usage report interrupted while sending is unconfirmed',
    );
    expect(await starting.countReports()).toMatchObject({
      unconfirmed: 1,
      delivered: 1,
      in_flight: 0,
    });
  });

  it('leave in-flight reports alone when opened as an admin tool', async () => {
    const url = await freshDatabase();
    const running = await open(url);
    await running.createOrder(orderFixture());
    await running.recordUsage([usageEvent('u-1', 'SKU-A', '2026-06', 3n)]);
    await closeWith(running, '2026-06');
    await running.claimDueRelays({ now: T0, limit: 5, leaseMs: 1000 });
    const admin = await open(url, { now: T0 + 5000, releaseInterrupted: false });
    expect(await admin.countReports()).toMatchObject({ in_flight: 1, unconfirmed: 0 });
  });

  it('close a period once, one report per order and SKU, when both close it together', async () => {
    const [a, b] = await twoInstances();
    for (const provisioningId of ['p-1', 'p-2', 'p-3']) {
      await a.createOrder(orderFixture({ provisioningId }));
      await a.recordUsage(
        ['SKU-A', 'SKU-B'].map((sku) => ({
          ...usageEvent(`${provisioningId}-${sku}`, sku, '2026-06', 1_000_000n),
          provisioningId,
        })),
      );
    }
    const results = await Promise.all([
      closeWith(a, '2026-06'),
      closeWith(b, '2026-06'),
      closeWith(a, '2026-06'),
      closeWith(b, '2026-06'),
    ]);
    expect(results.filter((r) => r !== null)).toEqual([{ queued: 6, held: 0 }]);
    const reports = (await a.listRelays()).filter((r) => r.kind === 'usage_report');
    expect(reports.map((r) => `${r.orderId}/${r.sku}/${r.period}`).sort()).toEqual([
      'p-1/SKU-A/2026-06',
      'p-1/SKU-B/2026-06',
      'p-2/SKU-A/2026-06',
      'p-2/SKU-B/2026-06',
      'p-3/SKU-A/2026-06',
      'p-3/SKU-B/2026-06',
    ]);
    expect(await b.listClosedPeriods()).toHaveLength(1);
  });

  it('report every unit once when usage, a close and terminations race', async () => {
    const [a, b] = await twoInstances();
    const order = (await a.createOrder(orderFixture())).order;
    let n = 0;
    const usage = (store: Store, sku: string, period: string) =>
      store.recordUsage([usageEvent(`e-${n++}`, sku, period, 1n)]);
    const terminate = (store: Store, sku: string) =>
      store.terminateSkus({
        provisioningId: order.provisioningId,
        skus: [sku],
        now: T0,
        usageReport: (bucket) => usageReportRelay(bucket, T0),
        end: (s) => usageEndRelay(order, s, T0),
      });
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) {
      const store = i % 2 === 0 ? a : b;
      writes.push(usage(store, 'SKU-A', i < 20 ? '2026-06' : '2026-07'));
      writes.push(usage(store, 'SKU-B', '2026-06'));
      if (i === 10) writes.push(closeWith(b, '2026-06'), closeWith(a, '2026-06'));
      if (i === 30) writes.push(terminate(a, 'SKU-B'), terminate(b, 'SKU-B'));
    }
    await Promise.all(writes);
    await closeWith(a, '2026-07');

    // Every recorded unit is in exactly one report of its period, whatever the order was.
    const lines = await b.usageLines();
    const reports = (await b.listRelays()).filter((r) => r.kind === 'usage_report');
    for (const line of lines) {
      const matching = reports.filter(
        (r) => r.sku === line.sku && r.period === line.period && r.orderId === line.provisioningId,
      );
      expect(matching).toHaveLength(1);
      const payload = matching[0]?.payload as { usageCount?: string } | undefined;
      expect(payload?.usageCount).toBe(formatMicros(line.micros));
    }
    const ends = (await b.listRelays()).filter((r) => r.kind === 'usage_end');
    expect(ends.map((r) => r.sku)).toEqual(['SKU-B']);
  });

  it('create an order once when both store it together', async () => {
    const [a, b] = await twoInstances();
    const results = await Promise.all(
      [a, b, a, b].map((store, i) =>
        store.createOrder(orderFixture({ customerId: `c-${i}`, answer: { customerId: `c-${i}` } })),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const kept = results.find((r) => r.created)?.order;
    for (const result of results) expect(result.order).toEqual(kept);
  });

  it('let one of them forward an order at a time', async () => {
    const [a, b] = await twoInstances();
    const claims = await Promise.all(
      [a, b, a, b].map((store, i) =>
        store.claimProvisioning({
          requestKey: 'p-1',
          digest: 'd-1',
          owner: `o-${i}`,
          now: T0,
          leaseMs: 5000,
        }),
      ),
    );
    expect(claims.filter((c) => c.state === 'claimed')).toHaveLength(1);
    // Busy until the one lease, on the database's clock (not the instances' T0).
    const busy = claims.filter((c) => c.state === 'busy');
    expect(busy).toEqual(Array(3).fill({ state: 'busy', until: expect.any(Number) }));
    expect(new Set(busy.map((c) => c.until)).size).toBe(1);
  });

  it('never queue a start after its SKU’s end when one starts as the other terminates', async () => {
    const [a, b] = await twoInstances();
    const orders = await raceOrders(a, 'race');
    const starts = await raceStartsAndEnds(orders, a, b);
    await expectNoStartAfterEnd(a, orders, starts);
    // A start on one instance made with the order as read before the other ended it.
    const order = (await a.createOrder(orderFixture({ provisioningId: 'late' }))).order;
    await terminateOrder(b, order, ['SKU-A'], T0);
    await expect(startBilling(a, order, ['SKU-A'], T0)).rejects.toMatchObject({ status: 409 });
    expect((await b.getOrder('late'))?.skus[0]?.billing).toBeNull();
  });
});
