import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../log.js';
import {
  createTestDatabase,
  type TestDatabase,
} from '../test-support/store-contract/postgres-database.js';
import { tempDir } from '../test-support/tmp.js';
import { migrations } from './migrations.js';
import { migratePostgres, postgresMigrations } from './postgres/migrations.js';
import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './types.js';

const ORDER_ROW = `INSERT INTO orders (provisioning_id, product_id, customer_id, provider_key, answer, created_at)
  VALUES ('prov-old', 7, 'cust-1', 'PK-1', '{"customerId":"cust-1"}', 1)`;

// An order stored before digests were kept can be repeated with any request.
async function expectOldOrderMatchesAnyRequest(store: Store) {
  const claim = (digest: string) =>
    store.claimProvisioning({ requestKey: 'prov-old', digest, owner: 'o', now: 2, leaseMs: 1000 });
  expect(await claim('d-1')).toMatchObject({ state: 'ordered', order: { customerId: 'cust-1' } });
  expect(await claim('d-2')).toMatchObject({ state: 'ordered' });
}

describe('migration 7 (SQLite) / 2 (PostgreSQL): request digests', () => {
  it('SQLite: keeps an order from before, recognised by its provisioningId, matching any request', async () => {
    const path = join(tempDir(), 'c.sqlite');
    const db = new Database(path);
    for (const sql of migrations.slice(0, 6)) db.exec(sql);
    db.pragma('user_version = 6');
    db.exec(ORDER_ROW);
    db.close();
    const store = await openSqliteStore({ path, logger: silentLogger });
    onTestFinished(() => store.close());
    await expectOldOrderMatchesAnyRequest(store);
  });

  const databases: TestDatabase[] = [];
  afterAll(() => Promise.all(databases.map((database) => database.drop())));

  it('PostgreSQL: the same', async () => {
    const database = await createTestDatabase();
    databases.push(database);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await migratePostgres(client, silentLogger, postgresMigrations.slice(0, 1));
      await client.query(ORDER_ROW);
    } finally {
      await client.end();
    }
    const store = await openPostgresStore({ url: database.url, logger: silentLogger });
    onTestFinished(() => store.close());
    await expectOldOrderMatchesAnyRequest(store);
  });
});
