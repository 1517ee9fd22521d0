import type Database from 'better-sqlite3';
import type { NewRelay, Relay, RelaySource, RelayStatus } from '../outbox.js';

/** A `relays` row as SQLite returns it. */
export interface RelayRow {
  id: number;
  kind: string;
  dedupe_key: string;
  partner_key: string;
  service_name: string | null;
  customer_id: string;
  order_id: string | null;
  sku: string | null;
  period: string | null;
  payload: string;
  purchased_at: string | null;
  status: string;
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  last_error: string | null;
  last_status: number | null;
  last_body: string | null;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
  replayed_at: number | null;
  late: number;
  source: string;
  /** A backend report's payload waiting for the attempt in flight (see migration 5). */
  replacement: string | null;
}

/** Maps a row to a {@link Relay}. */
export const toRelay = (row: RelayRow): Relay => ({
  id: row.id,
  kind: row.kind as Relay['kind'],
  dedupeKey: row.dedupe_key,
  partnerKey: row.partner_key,
  serviceName: row.service_name,
  customerId: row.customer_id,
  orderId: row.order_id,
  sku: row.sku,
  period: row.period,
  payload: JSON.parse(row.payload),
  purchasedAt: row.purchased_at,
  status: row.status as RelayStatus,
  attempts: row.attempts,
  nextAttemptAt: row.next_attempt_at,
  leaseUntil: row.lease_until,
  lastError: row.last_error,
  lastStatus: row.last_status,
  lastBody: row.last_body,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  deliveredAt: row.delivered_at,
  replayedAt: row.replayed_at,
  late: row.late === 1,
  source: row.source as RelaySource,
});

/** The relay with a dedupe key after {@link prepareQueueRelay}'s insert. */
export interface QueuedRelay {
  queued: boolean;
  row: Pick<
    RelayRow,
    | 'id'
    | 'status'
    | 'purchased_at'
    | 'last_error'
    | 'delivered_at'
    | 'order_id'
    | 'sku'
    | 'source'
    | 'replacement'
  >;
}

/**
 * Prepares the one way relays enter the outbox: inserted unless a relay of the same kind and
 * dedupe key exists, in which case that one is returned as it is. Run inside a transaction.
 */
export function prepareQueueRelay(db: Database.Database): (relay: NewRelay) => QueuedRelay {
  const insert = db.prepare(
    `INSERT INTO relays (kind, dedupe_key, partner_key, service_name, customer_id, order_id, sku,
       period, payload, purchased_at, next_attempt_at, created_at, updated_at, source)
     VALUES (@kind, @dedupeKey, @partnerKey, @serviceName, @customerId, @orderId, @sku,
       @period, @payload, @purchasedAt, @createdAt, @createdAt, @createdAt, @source)
     ON CONFLICT (kind, dedupe_key) DO NOTHING`,
  );
  const find = db.prepare(
    `SELECT id, status, purchased_at, last_error, delivered_at, order_id, sku, source, replacement
     FROM relays WHERE kind = @kind AND dedupe_key = @dedupeKey`,
  );
  return (relay) => {
    const source = relay.source ?? 'api';
    const added = insert.run({ ...relay, source, payload: JSON.stringify(relay.payload) });
    if (added.changes > 0) {
      const row = {
        id: Number(added.lastInsertRowid),
        status: 'pending',
        purchased_at: relay.purchasedAt,
        last_error: null,
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
