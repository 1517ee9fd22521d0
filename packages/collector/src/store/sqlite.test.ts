import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { silentLogger } from '../log.js';
import { purchaseFixture } from '../test-support/fixtures.js';
import { tempDir } from '../test-support/tmp.js';
import { migrations } from './migrations.js';
import { openSqliteStore } from './sqlite.js';

const T0 = 1_700_000_001_000;
const clock = { now: () => T0 };

async function open(path: string) {
  const store = await openSqliteStore({ path, logger: silentLogger, clock });
  onTestFinished(() => store.close());
  return store;
}

describe('openSqliteStore', () => {
  it('names the file and CLM_DB when it cannot open it', async () => {
    const dir = tempDir();
    await expect(open(dir)).rejects.toThrow(
      `cannot open the database ${dir} (CLM_DB): unable to open database file`,
    );
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'not a database at all, just some text');
    await expect(open(text)).rejects.toThrow(
      `cannot open the database ${text} (CLM_DB): file is not a database`,
    );
  });

  it('creates the directory, the file and the schema', async () => {
    const path = join(tempDir(), 'nested', 'dir', 'collector.sqlite');
    const store = await open(path);
    await store.ping();
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it("keeps SQLite's 2 MB page cache, not the 16 MB of better-sqlite3's build", async () => {
    // A relay drain reads the relays table once through: a larger cache only held those
    // pages, 27 MB more at the 100,000 drain's peak (docs/benchmarks.md).
    const pragma = vi.spyOn(Database.prototype, 'pragma');
    onTestFinished(() => pragma.mockRestore());
    const store = await open(join(tempDir(), 'collector.sqlite'));
    await store.ping();
    const connection = pragma.mock.contexts[0] as Database.Database;
    expect(connection.open).toBe(true);
    expect(connection.pragma('cache_size', { simple: true })).toBe(-2000);
  });

  it('enforces relay uniqueness in the database itself, on the key the migration derives', async () => {
    const path = join(tempDir(), 'c.sqlite');
    const store = await open(path);
    const { event, relay } = purchaseFixture();
    await store.recordEvent(event, relay);
    const raw = new Database(path);
    onTestFinished(() => {
      raw.close();
    });
    const insert = () =>
      raw
        .prepare(
          `INSERT INTO relays (kind, dedupe_key, partner_key, service_name, customer_id, payload,
             purchased_at, next_attempt_at, created_at, updated_at)
           VALUES ('saas_tracking', json_array('PK-1', 'acme-crm', 'cust-1'), 'PK-1', 'acme-crm',
             'cust-1', '{}', 'x', 0, 0, 0)`,
        )
        .run();
    expect(insert).toThrow(/UNIQUE constraint failed/);
  });

  it('returns relays left in_flight by a crashed process to pending on open', async () => {
    const path = join(tempDir(), 'c.sqlite');
    const crashed = await openSqliteStore({ path, logger: silentLogger, clock });
    const { event, relay } = purchaseFixture();
    await crashed.recordEvent(event, relay);
    await crashed.claimDueRelays({ now: T0, limit: 1, leaseMs: 3_600_000 });
    // A crash: nothing releases the claim, the lease is far in the future.
    await crashed.close();

    const restarted = await open(path);
    expect(await restarted.countRelays()).toMatchObject({ pending: 1, in_flight: 0 });
    const [resumed] = await restarted.claimDueRelays({ now: T0, limit: 1, leaseMs: 1000 });
    expect(resumed).toMatchObject({ customerId: 'cust-1', attempts: 2 });
  });
});

describe('group commit', () => {
  it('commits calls made in the same turn together, before any of them resolves', async () => {
    const path = join(tempDir(), 'c.sqlite');
    const store = await open(path);
    const raw = new Database(path, { readonly: true });
    onTestFinished(() => {
      raw.close();
    });
    const countRaw = () =>
      (raw.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
    const seen: number[] = [];
    await Promise.all(
      ['a', 'b', 'c'].map((customerId) => {
        const { event, relay } = purchaseFixture({ customerId });
        return store.recordEvent(event, relay).then(() => seen.push(countRaw()));
      }),
    );
    // Another connection sees all three as soon as the first caller hears back.
    expect(seen).toEqual([3, 3, 3]);
  });

  it('keeps per-event results inside one batch: repeated ids and customers', async () => {
    const store = await open(join(tempDir(), 'c.sqlite'));
    const first = purchaseFixture({ customerId: 'same' });
    const sameCustomer = purchaseFixture({ customerId: 'same' });
    const results = await Promise.all([
      store.recordEvent(first.event, first.relay),
      store.recordEvent(first.event, first.relay),
      store.recordEvent(sameCustomer.event, sameCustomer.relay),
    ]);
    const same = {
      id: 1,
      status: 'pending',
      purchasedAt: first.relay.purchasedAt,
      source: 'beacon',
    };
    expect(results).toEqual([
      { duplicate: false, relayQueued: true, relay: same },
      { duplicate: true, relayQueued: false },
      { duplicate: false, relayQueued: false, relay: same },
    ]);
    expect(await store.countEvents()).toBe(2);
    expect(await store.countRelays()).toMatchObject({ pending: 1 });
  });

  it('fails only the bad write of a batch and keeps its event and relay atomic', async () => {
    const store = await open(join(tempDir(), 'c.sqlite'));
    const good = purchaseFixture({ customerId: 'good' });
    const bad = purchaseFixture({ customerId: 'bad' });
    // Breaks the relays table's NOT NULL after the event row went in: both must roll back.
    const badRelay = { ...bad.relay, customerId: null as unknown as string };
    const later = purchaseFixture({ customerId: 'later' });
    const [okFirst, failed, okLast] = await Promise.allSettled([
      store.recordEvent(good.event, good.relay),
      store.recordEvent(bad.event, badRelay),
      store.recordEvent(later.event, later.relay),
    ]);
    expect(okFirst).toMatchObject({
      status: 'fulfilled',
      value: { duplicate: false, relayQueued: true, relay: { status: 'pending' } },
    });
    expect(failed).toMatchObject({
      status: 'rejected',
      reason: { code: 'SQLITE_CONSTRAINT_NOTNULL' },
    });
    expect(okLast).toMatchObject({
      status: 'fulfilled',
      value: { duplicate: false, relayQueued: true, relay: { status: 'pending' } },
    });
    expect(await store.countEvents()).toBe(2);
    expect((await store.listRelays()).map((r) => r.customerId).sort()).toEqual(['good', 'later']);
  });

  it('applies calls in the order made, reads included', async () => {
    const store = await open(join(tempDir(), 'c.sqlite'));
    const { event, relay } = purchaseFixture();
    const recorded = store.recordEvent(event, relay);
    const claimed = store.claimDueRelays({ now: T0, limit: 5, leaseMs: 60_000 });
    const counted = store.countRelays();
    await recorded;
    expect(await claimed).toHaveLength(1);
    expect(await counted).toMatchObject({ pending: 0, in_flight: 1 });
  });
});
