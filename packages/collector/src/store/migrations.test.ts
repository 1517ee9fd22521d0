import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../log.js';
import { purchaseFixture } from '../test-support/fixtures.js';
import { tempDir } from '../test-support/tmp.js';
import { migrations } from './migrations.js';
import { openSqliteStore } from './sqlite.js';

// A database as version 2 (before relays had per-kind keys) left it.
function versionTwoDatabase(path: string): void {
  const db = new Database(path);
  for (const sql of migrations.slice(0, 2)) db.exec(sql);
  db.pragma('user_version = 2');
  db.prepare(
    `INSERT INTO relays (id, kind, partner_key, service_name, customer_id, payload, purchased_at,
       status, attempts, next_attempt_at, created_at, updated_at, delivered_at, replayed_at)
     VALUES (41, 'saas_tracking', 'PK-1', 'acme-crm', 'cust-1', @payload, '2025-01-01T00:00:00.000Z',
       'dead', 3, 5, 1, 2, NULL, 4)`,
  ).run({
    payload: JSON.stringify({
      partnerKey: 'PK-1',
      serviceName: 'acme-crm',
      customerId: 'cust-1',
      purchasedAt: '2025-01-01T00:00:00.000Z',
    }),
  });
  db.close();
}

describe('migration 3: the outbox keyed per kind', () => {
  it("keeps every relay with its id and state, keyed so that the kind's dedupe still holds", async () => {
    const path = join(tempDir(), 'c.sqlite');
    versionTwoDatabase(path);
    const store = await openSqliteStore({ path, logger: silentLogger });
    onTestFinished(() => store.close());
    expect(await store.listRelays()).toEqual([
      expect.objectContaining({
        id: 41,
        kind: 'saas_tracking',
        dedupeKey: '["PK-1","acme-crm","cust-1"]',
        customerId: 'cust-1',
        orderId: null,
        sku: null,
        status: 'dead',
        attempts: 3,
        purchasedAt: '2025-01-01T00:00:00.000Z',
        replayedAt: 4,
      }),
    ]);
    // The same customer reported again finds the migrated relay: still one.
    const { event, relay } = purchaseFixture({ customerId: 'cust-1' });
    expect(await store.recordEvent(event, relay)).toMatchObject({
      relayQueued: false,
      relay: { id: 41, status: 'dead' },
    });
    const fresh = purchaseFixture({ customerId: 'cust-2' });
    expect(await store.recordEvent(fresh.event, fresh.relay)).toMatchObject({
      relayQueued: true,
      relay: { id: 42 },
    });
  });
});

describe('a database from a newer collector', () => {
  it('is refused, and left as it was', async () => {
    const path = join(tempDir(), 'c.sqlite');
    const newer = migrations.length + 1;
    const db = new Database(path);
    db.pragma(`user_version = ${newer}`);
    db.close();
    await expect(openSqliteStore({ path, logger: silentLogger })).rejects.toThrow(
      `database schema version ${newer} is newer than this collector (${migrations.length}): upgrade the collector`,
    );
    const after = new Database(path, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(newer);
    expect(
      after.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'").get(),
    ).toEqual({ n: 0 });
    after.close();
    // The writer lock went with the refusal: a fixed collector can open the file.
    const lock = new Database(`${path}.lock`, { timeout: 0 });
    expect(() => lock.exec('BEGIN EXCLUSIVE')).not.toThrow();
    lock.close();
  });
});

describe('migration 12: the events index no statement read', () => {
  it('drops events_received and keeps the events and the index the day counts read', async () => {
    const path = join(tempDir(), 'c.sqlite');
    const db = new Database(path);
    for (const sql of migrations.slice(0, 11)) db.exec(sql);
    db.pragma('user_version = 11');
    db.prepare(
      `INSERT INTO events (id, type, partner_key, service_name, customer_id, client_time, received_at)
       VALUES ('evt_1', 'visit', 'PK-1', 'acme-crm', NULL, 1, 86400000)`,
    ).run();
    db.close();
    const store = await openSqliteStore({ path, logger: silentLogger, releaseInterrupted: false });
    onTestFinished(() => store.close());
    expect(await store.countEvents()).toBe(1);
    const after = new Database(path, { readonly: true });
    onTestFinished(() => {
      after.close();
    });
    const indexes = after
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'")
      .pluck()
      .all();
    expect(indexes.sort()).toEqual(['events_type_received', 'sqlite_autoindex_events_1']);
    const plan = after
      .prepare(
        `EXPLAIN QUERY PLAN SELECT received_at / 86400000 AS d, COUNT(*) AS n FROM events
         WHERE type = 'visit' AND received_at >= 0 AND received_at < 1 GROUP BY d`,
      )
      .all() as { detail: string }[];
    expect(plan.map((step) => step.detail).join('\n')).toContain('events_type_received');
  });
});
