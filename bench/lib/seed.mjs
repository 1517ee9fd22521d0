import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore, silentLogger } from '@clm/collector';
import Database from 'better-sqlite3';
import { PARTNER_KEY, SERVICE } from './beacon-body.mjs';
import { onExit } from './guard.mjs';

export { PARTNER_KEY, SERVICE };

/** A fresh directory for one database, removed when the bench ends. */
export function freshDbPath() {
  const dir = mkdtempSync(join(tmpdir(), 'clm-bench-'));
  onExit(async () => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'collector.sqlite');
}

/**
 * Creates the collector's schema (through the store itself) and `count` purchases, each with
 * its SaasTracking relay in `relayStatus`, in one transaction. Returns the customer ids.
 */
export async function seedPurchases(path, { count, relayStatus, prefix = 'seed' }) {
  const store = await openSqliteStore({ path, logger: silentLogger });
  await store.close();
  const db = new Database(path);
  const now = Date.now();
  const purchasedAt = new Date(now).toISOString();
  const insertEvent = db.prepare(
    `INSERT INTO events (id, type, partner_key, service_name, customer_id, referral, client_time, received_at)
     VALUES (?, 'purchase', ?, ?, ?, ?, ?, ?)`,
  );
  const insertRelay = db.prepare(
    `INSERT INTO relays (kind, dedupe_key, partner_key, service_name, customer_id, payload,
       purchased_at, status, attempts, next_attempt_at, created_at, updated_at, delivered_at)
     VALUES ('saas_tracking', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const referral = JSON.stringify({ id: 'R-bench', at: now });
  const delivered = relayStatus === 'delivered';
  const customers = [];
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const customerId = `${prefix}-${i}`;
      customers.push(customerId);
      insertEvent.run(`${prefix}_evt_${i}`, PARTNER_KEY, SERVICE, customerId, referral, now, now);
      const payload = { partnerKey: PARTNER_KEY, serviceName: SERVICE, customerId, purchasedAt };
      insertRelay.run(
        // The SaasTracking kind's dedupe key: one relay per provider key, service and customer.
        JSON.stringify([PARTNER_KEY, SERVICE, customerId]),
        PARTNER_KEY,
        SERVICE,
        customerId,
        JSON.stringify(payload),
        purchasedAt,
        relayStatus,
        delivered ? 1 : 0,
        now,
        now,
        now,
        delivered ? now : null,
      );
    }
  })();
  db.close();
  return customers;
}

/** Reads event ids and relay counts from a collector's database (after it stopped). */
export function readDb(path) {
  const db = new Database(path, { readonly: true });
  try {
    const ids = new Set(db.prepare('SELECT id FROM events').pluck().all());
    const relays = Object.fromEntries(
      db.prepare('SELECT status, COUNT(*) AS n FROM relays GROUP BY status').raw().all(),
    );
    return { ids, relays };
  } finally {
    db.close();
  }
}
