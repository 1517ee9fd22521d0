import type pg from 'pg';
import { eventValues, type NewEvent, type RecordResult } from '../ingest.js';
import type { NewRelay } from '../outbox.js';
import { relayHead } from '../relay-row.js';
import { batched } from './batches.js';

/** One beacon of a batch. */
interface Beacon {
  event: NewEvent;
  relay: NewRelay | undefined;
}

interface RelayHead {
  id: number;
  kind: string;
  dedupe_key: string;
  status: string;
  purchased_at: string | null;
  source: string;
}

/** Most beacons written by one statement. */
const MAX_BATCH = 256;

// Every event of the batch and the relays of those that were new, in one statement (so in
// one transaction and one commit): the events are inserted in the order they came, their
// relays only for the ids the insert returned. Two relays with one dedupe key in a batch
// leave the first; later ones find it, as they would had they come one after the other.
const WRITE_BATCH = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
      $7::bigint[], $8::bigint[]) WITH ORDINALITY
    AS e(id, type, partner_key, service_name, customer_id, referral, client_time, received_at, n)
), added AS (
  INSERT INTO events (id, type, partner_key, service_name, customer_id, referral, client_time, received_at)
  SELECT id, type, partner_key, service_name, customer_id, referral, client_time, received_at
  FROM input ORDER BY n
  ON CONFLICT (id) DO NOTHING
  RETURNING id
), wanted AS (
  SELECT * FROM unnest($9::text[], $10::text[], $11::text[], $12::text[], $13::text[],
      $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::bigint[],
      $20::text[]) WITH ORDINALITY
    AS r(event_id, kind, dedupe_key, partner_key, service_name, customer_id, order_id, sku,
      period, payload, created_at, purchased_at, n)
), queued AS (
  INSERT INTO relays (kind, dedupe_key, partner_key, service_name, customer_id, order_id, sku,
    period, payload, purchased_at, next_attempt_at, created_at, updated_at, source)
  SELECT kind, dedupe_key, partner_key, service_name, customer_id, order_id, sku, period,
    payload, purchased_at, created_at, created_at, created_at, 'beacon'
  FROM wanted WHERE event_id IN (SELECT id FROM added) ORDER BY n
  ON CONFLICT (kind, dedupe_key) DO NOTHING
  RETURNING id, kind, dedupe_key, status, purchased_at, source
)
SELECT (SELECT coalesce(json_agg(id), '[]') FROM added) AS added,
  (SELECT coalesce(json_agg(queued), '[]') FROM queued) AS queued`;

// Relays that existed before the batch (committed by now: an insert that met one another
// transaction was writing waited for it).
const FIND_RELAYS = `
SELECT r.id, r.kind, r.dedupe_key, r.status, r.purchased_at, r.source
FROM relays r JOIN unnest($1::text[], $2::text[]) AS k(kind, dedupe_key)
  ON r.kind = k.kind AND r.dedupe_key = k.dedupe_key`;

const keyOf = (relay: { kind: string; dedupeKey: string }) =>
  `${relay.kind}\u0000${relay.dedupeKey}`;

/**
 * Group commit for beacons on PostgreSQL (see {@link batched}): a busy collector pays one
 * round trip and one commit (one WAL flush) for a batch of beacons rather than four round
 * trips and a commit per beacon. At most `inFlight` batches are written at once, leaving
 * the pool's other connections to the relay worker and the API. Each promise settles once
 * its batch has committed; a batch that fails is written again one beacon at a time with
 * `alone`, so only the one at fault is refused.
 *
 * Only beacons come this way: their relays (source `beacon`) never take over another, so a
 * batch needs no row locks.
 */
export function createIngestBatches(options: {
  pool: pg.Pool;
  inFlight: number;
  alone: (event: NewEvent, relay: NewRelay | undefined) => Promise<RecordResult>;
}): (event: NewEvent, relay: NewRelay | undefined) => Promise<RecordResult> {
  const { pool, inFlight, alone } = options;
  const write = batched<Beacon, RecordResult>({
    write: (beacons) => writeBatch(pool, beacons),
    alone: ({ event, relay }) => alone(event, relay),
    inFlight,
    maxBatch: MAX_BATCH,
  });
  return (event, relay) => write({ event, relay });
}

async function writeBatch(pool: pg.Pool, batch: Beacon[]): Promise<RecordResult[]> {
  const events = batch.map(({ event }) => event);
  // A relay only for the first beacon with each event id: a repeat is a duplicate.
  const ids = new Set<string>();
  const withRelay = batch.filter(({ event, relay }) => {
    if (ids.has(event.id)) return false;
    ids.add(event.id);
    return relay !== undefined;
  });
  const relays = withRelay.map(({ relay }) => relay as NewRelay);
  const column = <T, V>(rows: T[], value: (row: T) => V) => rows.map(value);
  const eventRows = events.map(eventValues);
  const answer = await pool.query<{ added: string[]; queued: RelayHead[] }>({
    // Named: each connection parses and plans the statement once, not once per batch.
    name: 'clm-ingest-batch',
    text: WRITE_BATCH,
    values: [
      // $1–$8: one array per events column.
      ...(eventRows[0] ?? []).map((_, index) => eventRows.map((row) => row[index])),
      column(withRelay, (p) => p.event.id),
      column(relays, (r) => r.kind),
      column(relays, (r) => r.dedupeKey),
      column(relays, (r) => r.partnerKey),
      column(relays, (r) => r.serviceName),
      column(relays, (r) => r.customerId),
      column(relays, (r) => r.orderId),
      column(relays, (r) => r.sku),
      column(relays, (r) => r.period),
      column(relays, (r) => JSON.stringify(r.payload)),
      column(relays, (r) => r.createdAt),
      column(relays, (r) => r.purchasedAt),
    ],
  });
  const { added, queued } = answer.rows[0] as { added: string[]; queued: RelayHead[] };
  // Each id the insert returned belongs to the first beacon that carried it; each relay it
  // queued, to the first new beacon with its key.
  const newIds = new Set(added);
  const fresh = new Map(
    queued.map((row) => [keyOf({ kind: row.kind, dedupeKey: row.dedupe_key }), row]),
  );
  const isNew = batch.map(({ event }) => newIds.delete(event.id));
  const missing = new Map<string, { kind: string; dedupeKey: string }>();
  for (const [index, { relay }] of batch.entries()) {
    if (isNew[index] && relay && !fresh.has(keyOf(relay))) missing.set(keyOf(relay), relay);
  }
  const found = new Map<string, RelayHead>();
  if (missing.size > 0) {
    const keys = [...missing.values()];
    const rows = await pool.query<RelayHead>(FIND_RELAYS, [
      keys.map((key) => key.kind),
      keys.map((key) => key.dedupeKey),
    ]);
    for (const row of rows.rows)
      found.set(keyOf({ kind: row.kind, dedupeKey: row.dedupe_key }), row);
  }
  const claimed = new Set<string>();
  return batch.map(({ relay }, index): RecordResult => {
    if (!isNew[index]) return { duplicate: true, relayQueued: false };
    if (!relay) return { duplicate: false, relayQueued: false };
    const key = keyOf(relay);
    const mine = fresh.get(key);
    if (mine && !claimed.has(key)) {
      claimed.add(key);
      return { duplicate: false, relayQueued: true, relay: relayHead(mine) };
    }
    const row = mine ?? found.get(key);
    if (!row) throw new Error(`relay ${relay.kind} ${relay.dedupeKey} vanished while queued`);
    return { duplicate: false, relayQueued: false, relay: relayHead(row) };
  });
}
