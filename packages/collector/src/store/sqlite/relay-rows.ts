import type Database from 'better-sqlite3';
import { initialState } from '../kept-relays.js';
import type { NewRelay } from '../outbox.js';
import { type QueuedRelay, RELAY_INSERT_COLUMNS, relayValues } from '../relay-row.js';

export { type QueuedRelay, type RelayRow, toRelay } from '../relay-row.js';

/**
 * Prepares the one way relays enter the outbox: inserted unless a relay of the same kind and
 * dedupe key exists, in which case that one is returned as it is. Run inside a transaction.
 */
export function prepareQueueRelay(db: Database.Database): (relay: NewRelay) => QueuedRelay {
  // Positional parameters: binding by name would look each up in an object spread per call.
  const insert = db.prepare(
    `INSERT INTO relays (${RELAY_INSERT_COLUMNS})
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (kind, dedupe_key) DO NOTHING`,
  );
  const find = db.prepare(
    `SELECT id, status, purchased_at, last_error, delivered_at, order_id, sku, source, replacement
     FROM relays WHERE kind = @kind AND dedupe_key = @dedupeKey`,
  );
  return (relay) => {
    const source = relay.source ?? 'api';
    const state = initialState(relay);
    const { status, lastError } = state;
    const added = insert.run(relayValues(relay, state));
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
