import { initialState } from '../kept-relays.js';
import type { NewRelay } from '../outbox.js';
import { type QueuedRelay, RELAY_INSERT_COLUMNS, relayValues } from '../relay-row.js';
import type { Queryable } from './db.js';

export { type QueuedRelay, type RelayRow, toRelay } from '../relay-row.js';

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
    `INSERT INTO relays (${RELAY_INSERT_COLUMNS})
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
       $19, $20)
     ON CONFLICT (kind, dedupe_key) DO NOTHING
     RETURNING ${QUEUED_COLUMNS}`,
    relayValues(relay, initialState(relay)),
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
