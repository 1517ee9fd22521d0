import type pg from 'pg';
import type { NewUsageEvent, UsageRecord } from '../usage.js';
import { type Repeat, repeatRecord, type StoredUsageRow, sortRepeats } from '../usage-repeats.js';
import { inTransaction, LOCKS, type Queryable } from './db.js';

/** The latest closed period, as SQL. */
export const LAST_CLOSED = 'SELECT MAX(period) AS period FROM usage_periods';

/** The latest closed period, or null before the first close. */
export async function lastClosed(client: Queryable): Promise<string | null> {
  return (await client.query<{ period: string | null }>(LAST_CLOSED)).rows[0]?.period ?? null;
}

interface StoredEventRow {
  event_id: string;
  provisioning_id: string;
  sku: string;
  /** The BIGINT as text: read exactly. */
  micros: string;
  occurred_at: number;
  received_at: number;
  period: string;
}

async function storedEvents(client: Queryable, ids: readonly string[]) {
  const rows = await client.query<StoredEventRow>(
    `SELECT event_id, provisioning_id, sku, quantity_micros::text AS micros, occurred_at,
       received_at, period
     FROM usage_events WHERE event_id = ANY($1::text[])`,
    [[...new Set(ids)]],
  );
  return new Map(
    rows.rows.map((row): [string, StoredUsageRow] => [
      row.event_id,
      {
        provisioningId: row.provisioning_id,
        sku: row.sku,
        micros: BigInt(row.micros),
        occurredAt: row.occurred_at,
        receivedAt: row.received_at,
        period: row.period,
      },
    ]),
  );
}

// The state of a new event's order and SKU: recorded there, or why it is refused.
async function checkOrder(
  client: Queryable,
  event: NewUsageEvent,
  period: string,
): Promise<UsageRecord> {
  const { eventId } = event;
  const sku = await client.query<{ ended_at: number | null }>(
    'SELECT ended_at FROM order_skus WHERE provisioning_id = $1 AND sku = $2',
    [event.provisioningId, event.sku],
  );
  const state = sku.rows[0];
  if (!state) {
    const order = await client.query('SELECT 1 FROM orders WHERE provisioning_id = $1', [
      event.provisioningId,
    ]);
    return { eventId, result: order.rowCount ? 'unknown-sku' : 'unknown-order' };
  }
  if (state.ended_at !== null) return { eventId, result: 'terminated' };
  return { eventId, result: 'recorded', period };
}

// Thrown to roll a request back once it has written some events; carries its answer.
class RequestRefused extends Error {
  constructor(readonly results: UsageRecord[]) {
    super('usage request refused');
  }
}

// Inserts the new events. One whose eventId another request stored since it was read (the
// insert waited for that one to commit) is judged against it: a duplicate, or a conflict
// that refuses this whole request.
async function insertNew(
  client: Queryable,
  events: readonly NewUsageEvent[],
  repeats: readonly Repeat[],
  results: UsageRecord[],
  closed: string | null,
): Promise<void> {
  for (const [index, event] of events.entries()) {
    const repeat = repeats[index] as Repeat;
    if (repeat.kind !== 'new') continue;
    const added = await client.query(
      `INSERT INTO usage_events (event_id, provisioning_id, sku, quantity_micros, occurred_at, received_at, period)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (event_id) DO NOTHING`,
      [
        event.eventId,
        event.provisioningId,
        event.sku,
        event.micros.toString(),
        event.occurredAt,
        event.receivedAt,
        repeat.period,
      ],
    );
    if (added.rowCount === 1) continue;
    const [again] = sortRepeats([event], await storedEvents(client, [event.eventId]), closed);
    if (again === undefined || again.kind === 'new')
      throw new Error(`usage event ${event.eventId} neither inserted nor found`);
    results[index] = repeatRecord(event.eventId, again);
    if (again.kind === 'conflict') throw new RequestRefused(results);
  }
}

async function record(client: Queryable, events: readonly NewUsageEvent[]) {
  // Shared with other usage writes, exclusive of a close or a termination: the period
  // closed and the SKUs ended cannot change before this commits.
  await client.query('SELECT pg_advisory_xact_lock_shared($1)', [LOCKS.close]);
  const closed = await lastClosed(client);
  const stored = await storedEvents(
    client,
    events.map((event) => event.eventId),
  );
  const repeats = sortRepeats(events, stored, closed);
  const results: UsageRecord[] = [];
  for (const [index, event] of events.entries()) {
    const repeat = repeats[index] as Repeat;
    results.push(
      repeat.kind === 'new'
        ? await checkOrder(client, event, repeat.period)
        : repeatRecord(event.eventId, repeat),
    );
  }
  // All or nothing: a batch with a refused event stores none of it.
  if (results.some((r) => r.result !== 'recorded' && r.result !== 'duplicate')) return results;
  await insertNew(client, events, repeats, results, closed);
  return results;
}

/** `UsageStore.recordUsage` on PostgreSQL: one transaction, all or none. */
export async function recordUsage(
  pool: pg.Pool,
  events: readonly NewUsageEvent[],
): Promise<UsageRecord[]> {
  try {
    return await inTransaction(pool, (client) => record(client, events));
  } catch (error) {
    if (error instanceof RequestRefused) return error.results;
    throw error;
  }
}
