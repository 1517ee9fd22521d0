import type pg from 'pg';
import { eventValues, type IngestStore, type NewEvent, type RecordResult } from '../ingest.js';
import type { NewRelay } from '../outbox.js';
import { relayHead } from '../relay-row.js';
import { inTransaction, type Queryable } from './db.js';
import { createIngestBatches } from './ingest-batch.js';
import { type QueuedRelay, queueRelay } from './relay-rows.js';

// The relay row is locked (see record), so its state cannot change between these updates.
async function takeOver(
  client: Queryable,
  relay: NewRelay,
  row: QueuedRelay['row'],
  now: number,
): Promise<RecordResult> {
  const payload = JSON.stringify(relay.payload);
  // A beacon relay not sent yet, or dead-lettered, carries the report from now on; a dead
  // one is due again with a fresh retry window, as a replayed dead letter is. (A report
  // still waiting from an attempt whose claim was released came first, and wins.)
  const replaced = await client.query<{ purchased_at: string }>(
    `UPDATE relays SET payload = COALESCE(replacement, $2),
       purchased_at = COALESCE(replacement::jsonb ->> 'purchasedAt', $3::text),
       source = 'api', replacement = NULL, status = 'pending',
       next_attempt_at = CASE WHEN status = 'dead' THEN $4 ELSE next_attempt_at END,
       replayed_at = CASE WHEN status = 'dead' THEN $4 ELSE replayed_at END, updated_at = $4
     WHERE id = $1 AND source = 'beacon' AND status IN ('pending', 'dead')
     RETURNING purchased_at`,
    [row.id, payload, relay.purchasedAt, now],
  );
  const report = replaced.rows[0];
  if (report) {
    return {
      duplicate: false,
      relayQueued: false,
      replaced: 'replaced',
      relay: { id: row.id, status: 'pending', source: 'api', purchasedAt: report.purchased_at },
    };
  }
  // One being sent cannot be taken back: the report waits beside it (the first report
  // wins), and the outcome of that attempt decides (see postgres/outbox.ts).
  const waiting = await client.query<{ purchased_at: string }>(
    `UPDATE relays SET replacement = COALESCE(replacement, $2), updated_at = $3
     WHERE id = $1 AND source = 'beacon' AND status = 'in_flight'
     RETURNING replacement::jsonb ->> 'purchasedAt' AS purchased_at`,
    [row.id, payload, now],
  );
  const pending = waiting.rows[0];
  if (pending) {
    return {
      duplicate: false,
      relayQueued: false,
      replaced: 'replacing',
      relay: { ...relayHead(row), purchasedAt: pending.purchased_at },
    };
  }
  return { duplicate: false, relayQueued: false, relay: relayHead(row) };
}

async function record(
  client: Queryable,
  event: NewEvent,
  relay: NewRelay | undefined,
): Promise<RecordResult> {
  const added = await client.query(
    `INSERT INTO events (id, type, partner_key, service_name, customer_id, referral, client_time, received_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (id) DO NOTHING`,
    [...eventValues(event)],
  );
  if (added.rowCount === 0) return { duplicate: true, relayQueued: false };
  if (!relay) return { duplicate: false, relayQueued: false };
  // Only an authenticated report may take over what a beacon (anyone) queued; the row it
  // may take over is locked until this transaction ends.
  const mayTakeOver = relay.source === 'api';
  const { queued, row } = await queueRelay(client, relay, { lock: mayTakeOver });
  if (queued) return { duplicate: false, relayQueued: true, relay: relayHead(row) };
  if (mayTakeOver && row.source === 'beacon') return takeOver(client, relay, row, event.receivedAt);
  return { duplicate: false, relayQueued: false, relay: relayHead(row) };
}

/**
 * {@link IngestStore} on PostgreSQL: the event row and its relay in one transaction. Beacons
 * are written in batches (postgres/ingest-batch.ts), at most `batches` at once; a report
 * from the API, which may take over a beacon's relay, in a transaction of its own.
 */
export function postgresIngest(pool: pg.Pool, options: { batches: number }): IngestStore {
  const alone = (event: NewEvent, relay: NewRelay | undefined) =>
    inTransaction(pool, (client) => record(client, event, relay));
  const batched = createIngestBatches({ pool, inFlight: options.batches, alone });
  return {
    // A relay without a source is the API's (NewRelay's default).
    recordEvent: (event, relay) =>
      relay === undefined || relay.source === 'beacon'
        ? batched(event, relay)
        : alone(event, relay),
  };
}
