import { afterAll, beforeAll, onTestFinished } from 'vitest';
import { silentLogger } from '../log.js';
import { describeStoreContract, type OpenOptions } from '../test-support/store-contract/index.js';
import {
  createTestDatabase,
  queryDatabase,
  type TestDatabase,
} from '../test-support/store-contract/postgres-database.js';
import { openPostgresStore } from './postgres.js';
import type { Store } from './types.js';

let database: TestDatabase | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

async function open(options: OpenOptions): Promise<Store> {
  if (!database) throw new Error('no test database');
  const store = await openPostgresStore({ url: database.url, logger: silentLogger, ...options });
  onTestFinished(() => store.close());
  return store;
}

describeStoreContract('PostgreSQL', {
  async fresh(options = {}) {
    const store = await open(options);
    // One database per file: each test starts from empty tables, ids from 1.
    await queryDatabase(
      database?.url ?? '',
      `DELETE FROM events; DELETE FROM relays; DELETE FROM order_skus; DELETE FROM order_keys; DELETE FROM orders;
       DELETE FROM provisioning_claims; DELETE FROM provisioning_failures;
       DELETE FROM usage_events; DELETE FROM usage_periods; DELETE FROM clm_keys;
       ALTER TABLE relays ALTER COLUMN id RESTART;
       ALTER TABLE orders ALTER COLUMN seq RESTART;
       ALTER TABLE provisioning_failures ALTER COLUMN id RESTART;`,
    );
    return store;
  },
  reopen: (options = {}) => open(options),
});
