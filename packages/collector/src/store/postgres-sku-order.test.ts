import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../log.js';
import { startBilling } from '../orders/billing.js';
import { createOrder, terminate } from '../test-support/store-contract/orders.js';
import { createTestDatabase } from '../test-support/store-contract/postgres-database.js';
import { openPostgresStore } from './postgres.js';

const NOW = Date.parse('2026-06-10T18:00:00Z');

// Two instances at the same moment: one is claiming a SKU's pending start (its row locked,
// not yet committed) while the other claims. The other's supersede skips the locked start,
// so it must not take the SKU's end either: the start may be sent, and would go after it.
describe('PostgreSQL: a start another instance is claiming', () => {
  it('holds its SKU’s end back until that claim shows what the start became', async () => {
    const created = await createTestDatabase();
    onTestFinished(() => created.drop());
    const store = await openPostgresStore({
      url: created.url,
      logger: silentLogger,
      clock: { now: () => NOW },
    });
    onTestFinished(() => store.close());
    const order = await createOrder(store);
    await startBilling(store, order, ['SKU-A'], NOW);
    await terminate(store, order, ['SKU-A'], NOW);
    // The state a claim in progress elsewhere leaves: the start still pending, locked.
    const other = new pg.Client({ connectionString: created.url });
    await other.connect();
    onTestFinished(() => other.end());
    await other.query(
      `UPDATE relays SET status = 'pending', last_error = NULL WHERE kind = 'start_billing'`,
    );
    await other.query('BEGIN');
    await other.query(`SELECT id FROM relays WHERE kind = 'start_billing' FOR UPDATE`);

    const claim = () => store.claimDueRelays({ now: NOW, limit: 10, leaseMs: 8000 });
    expect((await claim()).map((r) => r.kind)).toEqual([]);

    // That claim ends without taking it: the start is superseded, and the end goes.
    await other.query('ROLLBACK');
    expect((await claim()).map((r) => r.kind)).toEqual(['usage_end']);
    expect((await store.listRelays({ status: 'dead' })).map((r) => r.kind)).toEqual([
      'start_billing',
    ]);
  });
});
