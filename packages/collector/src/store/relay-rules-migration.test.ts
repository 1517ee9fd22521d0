import pg from 'pg';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../log.js';
import { postgresAtVersion, sqliteAtVersion } from '../test-support/old-schema.js';
import { alwaysOn, fixedClock } from '../test-support/store-contract/harness.js';
import {
  createTestDatabase,
  type TestDatabase,
} from '../test-support/store-contract/postgres-database.js';
import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './types.js';

const NOW = 10_000;

// Relays as a collector before delivery rules were row data left them: SKU-A terminated
// with its report and end still to go and its start never delivered; SKU-B's report cut
// short while being sent (its lease over).
const RELAY_ROWS = `INSERT INTO relays (id, kind, dedupe_key, partner_key, customer_id, order_id,
    sku, period, payload, status, next_attempt_at, lease_until, created_at, updated_at)
  VALUES
    (1, 'start_billing', 'k1', 'PK-1', 'cust-1', 'prov-1', 'SKU-A', NULL, '{}', 'pending', 1, NULL, 1, 1),
    (2, 'usage_report', 'k2', 'PK-1', 'cust-1', 'prov-1', 'SKU-A', '2026-06', '{}', 'pending', 2, NULL, 2, 2),
    (3, 'usage_end', 'k3', 'PK-1', 'cust-1', 'prov-1', 'SKU-A', NULL, '{}', 'pending', 3, NULL, 3, 3),
    (4, 'usage_report', 'k4', 'PK-1', 'cust-1', 'prov-1', 'SKU-B', '2026-06', '{}', 'in_flight', 4, 5, 4, 4)`;

// The same as before: the start is superseded by its end, the report waits out the
// blackout, the end waits behind it, and the report cut short is never sent again.
async function expectRulesKept(store: Store) {
  const claim = (paused: string[] = []) =>
    store.claimDueRelays({ now: NOW, limit: 10, leaseMs: 1000, pauses: paused.map(alwaysOn) });
  expect(await claim(['blackout'])).toEqual([]);
  expect((await claim()).map((relay) => relay.id)).toEqual([2]);
  const relays = new Map((await store.listRelays()).map((relay) => [relay.id, relay]));
  expect(relays.get(1)).toMatchObject({
    status: 'dead',
    lastError: expect.stringMatching(/^superseded: /),
  });
  expect(relays.get(3)?.status).toBe('pending');
  expect(relays.get(4)?.status).toBe('unconfirmed');
}

describe('migration 11 (SQLite) / 6 (PostgreSQL): delivery rules as row data', () => {
  it('SQLite: relays queued before keep the rules of their kind', async () => {
    const path = sqliteAtVersion(10, RELAY_ROWS);
    const store = await openSqliteStore({ path, logger: silentLogger, clock: fixedClock(NOW) });
    onTestFinished(() => store.close());
    await expectRulesKept(store);
  });

  const databases: TestDatabase[] = [];
  afterAll(() => Promise.all(databases.map((database) => database.drop())));

  it('PostgreSQL: the same', async () => {
    const database = await createTestDatabase();
    databases.push(database);
    await postgresAtVersion(database.url, 5, RELAY_ROWS);
    const store = await openPostgresStore({
      url: database.url,
      logger: silentLogger,
      clock: fixedClock(NOW),
    });
    onTestFinished(() => store.close());
    await expectRulesKept(store);
  });

  it('PostgreSQL: calls a collector from before queues during a rolling upgrade get the rules of their kind', async () => {
    const database = await createTestDatabase();
    databases.push(database);
    const store = await openPostgresStore({
      url: database.url,
      logger: silentLogger,
      clock: fixedClock(NOW),
    });
    onTestFinished(() => store.close());
    // The older collector's INSERT, which names none of the rule columns.
    const older = new pg.Client({ connectionString: database.url });
    await older.connect();
    onTestFinished(() => older.end());
    await older.query(RELAY_ROWS);
    await expectRulesKept(store);
  });
});
