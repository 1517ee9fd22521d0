import type { NewRelay, Relay, RelaySource, RelayStatus } from '../outbox.js';
import type { Queryable } from './db.js';

/** A `relays` row as the store's pool reads it (BIGINT as number). */
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
  late: boolean;
  source: string;
  /** A backend report's payload waiting for the attempt in flight (see postgres/ingest.ts). */
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
  late: row.late,
  source: row.source as RelaySource,
});

/** What {@link queueRelay} answers: the relay with the dedupe key, and whether it is new. */
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

const QUEUED_COLUMNS =
  'id, status, purchased_at, last_error, delivered_at, order_id, sku, source, replacement';

/**
 * The one way relays enter the outbox: inserted unless a relay of the same kind and dedupe
 * key exists, in which case that one is returned as it is (committed by another
 * transaction or not: the insert waits for a competing one to end). With `lock`, the
 * existing row is locked until the caller's transaction ends. Run inside a transaction.
 */
export async function queueRelay(
  client: Queryable,
  relay: NewRelay,
  options: { lock?: boolean } = {},
): Promise<QueuedRelay> {
  const added = await client.query<QueuedRelay['row']>(
    `INSERT INTO relays (kind, dedupe_key, partner_key, service_name, customer_id, order_id, sku,
       period, payload, purchased_at, next_attempt_at, created_at, updated_at, source)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $11, $12)
     ON CONFLICT (kind, dedupe_key) DO NOTHING
     RETURNING ${QUEUED_COLUMNS}`,
    [
      relay.kind,
      relay.dedupeKey,
      relay.partnerKey,
      relay.serviceName,
      relay.customerId,
      relay.orderId,
      relay.sku,
      relay.period,
      JSON.stringify(relay.payload),
      relay.purchasedAt,
      relay.createdAt,
      relay.source ?? 'api',
    ],
  );
  const inserted = added.rows[0];
  if (inserted) return { queued: true, row: inserted };
  const found = await client.query<QueuedRelay['row']>(
    `SELECT ${QUEUED_COLUMNS} FROM relays WHERE kind = $1 AND dedupe_key = $2
     ${options.lock ? 'FOR UPDATE' : ''}`,
    [relay.kind, relay.dedupeKey],
  );
  const row = found.rows[0];
  if (!row) throw new Error(`relay ${relay.kind} ${relay.dedupeKey} vanished while queued`);
  return { queued: false, row };
}
