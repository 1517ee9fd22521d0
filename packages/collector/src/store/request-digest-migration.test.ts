import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../log.js';
import { postgresAtVersion, sqliteAtVersion } from '../test-support/old-schema.js';
import {
  createTestDatabase,
  type TestDatabase,
} from '../test-support/store-contract/postgres-database.js';
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
    const store = await openSqliteStore({
      path: sqliteAtVersion(6, ORDER_ROW),
      logger: silentLogger,
    });
    onTestFinished(() => store.close());
    await expectOldOrderMatchesAnyRequest(store);
  });

  const databases: TestDatabase[] = [];
  afterAll(() => Promise.all(databases.map((database) => database.drop())));

  it('PostgreSQL: the same', async () => {
    const database = await createTestDatabase();
    databases.push(database);
    await postgresAtVersion(database.url, 1, ORDER_ROW);
    const store = await openPostgresStore({ url: database.url, logger: silentLogger });
    onTestFinished(() => store.close());
    await expectOldOrderMatchesAnyRequest(store);
  });
});
