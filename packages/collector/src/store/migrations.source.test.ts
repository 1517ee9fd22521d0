import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../log.js';
import { tempDir } from '../test-support/tmp.js';
import { migrations } from './migrations.js';
import { openSqliteStore } from './sqlite.js';

// A database as version 4 left it: relays did not say where they came from.
function versionFourDatabase(path: string): void {
  const db = new Database(path);
  for (const sql of migrations.slice(0, 4)) db.exec(sql);
  db.pragma('user_version = 4');
  const event = db.prepare(
    `INSERT INTO events (id, type, partner_key, service_name, customer_id, client_time, received_at)
     VALUES (@id, 'purchase', 'PK-1', 'acme-crm', @customer, 1, @at)`,
  );
  const relay = db.prepare(
    `INSERT INTO relays (id, kind, dedupe_key, partner_key, service_name, customer_id, payload,
       purchased_at, next_attempt_at, created_at, updated_at)
     VALUES (@id, @kind, @key, 'PK-1', 'acme-crm', @customer, '{}', NULL, 1, @at, @at)`,
  );
  // The first report of each customer created its relay, at the same instant.
  event.run({ id: 'evt_from_page_1', customer: 'c-beacon', at: 100 });
  relay.run({ id: 1, kind: 'saas_tracking', key: 'k1', customer: 'c-beacon', at: 100 });
  event.run({ id: 'api_0f0e0d0c-0000-4000-8000-000000000000', customer: 'c-api', at: 200 });
  event.run({ id: 'evt_from_page_2', customer: 'c-api', at: 300 });
  relay.run({ id: 2, kind: 'saas_tracking', key: 'k2', customer: 'c-api', at: 200 });
  relay.run({ id: 3, kind: 'start_billing', key: 'k3', customer: 'c-order', at: 400 });
  db.close();
}

describe('migration 5: where each relay came from', () => {
  it('marks a relay queued by a beacon "beacon", by the API or an order "api"', async () => {
    const path = join(tempDir(), 'c.sqlite');
    versionFourDatabase(path);
    const store = await openSqliteStore({ path, logger: silentLogger, releaseInterrupted: false });
    onTestFinished(() => store.close());
    const relays = await store.listRelays();
    expect(relays.map((r) => [r.id, r.source]).sort()).toEqual([
      [1, 'beacon'],
      [2, 'api'],
      [3, 'api'],
    ]);
  });
});
