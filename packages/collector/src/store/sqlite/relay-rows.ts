import type Database from 'better-sqlite3';
import { initialState } from '../kept-relays.js';
import type { NewRelay } from '../outbox.js';
import { type QueuedRelay, ruleColumns } from '../relay-row.js';

export { type QueuedRelay, type RelayRow, toRelay } from '../relay-row.js';

/**
 * Prepares the one way relays enter the outbox: inserted unless a relay of the same kind and
 * dedupe key exists, in which case that one is returned as it is. Run inside a transaction.
 */
export function prepareQueueRelay(db: Database.Database): (relay: NewRelay) => QueuedRelay {
  // Positional parameters: binding by name would look each up in an object spread per call.
  const insert = db.prepare(
    `INSERT INTO relays (kind, dedupe_key, partner_key, service_name, customer_id, order_id, sku,
       period, payload, purchased_at, next_attempt_at, created_at, updated_at, source, status,
       last_error, pause, at_most_once, ends_sku, superseded_by_end)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (kind, dedupe_key) DO NOTHING`,
  );
  const find = db.prepare(
    `SELECT id, status, purchased_at, last_error, delivered_at, order_id, sku, source, replacement
     FROM relays WHERE kind = @kind AND dedupe_key = @dedupeKey`,
  );
  return (relay) => {
    const source = relay.source ?? 'api';
    const { status, lastError } = initialState(relay);
    const payload = JSON.stringify(relay.payload);
    const [pause, atMostOnce, endsSku, supersededByEnd] = ruleColumns(relay);
    const added = insert.run(
      relay.kind,
      relay.dedupeKey,
      relay.partnerKey,
      relay.serviceName,
      relay.customerId,
      relay.orderId,
      relay.sku,
      relay.period,
      payload,
      relay.purchasedAt,
      relay.createdAt,
      relay.createdAt,
      relay.createdAt,
      source,
      status,
      lastError,
      pause,
      atMostOnce,
      endsSku,
      supersededByEnd,
    );
    if (added.changes > 0) {
      const row = {
        id: Number(added.lastInsertRowid),
        status,
        purchased_at: relay.purchasedAt,
        last_error: lastError,
        delivered_at: null,
        order_id: relay.orderId,
        sku: relay.sku,
        source,
        replacement: null,
      };
      return { queued: true, row };
    }
    return { queued: false, row: find.get(relay) as QueuedRelay['row'] };
  };
}
