import type Database from 'better-sqlite3';
import type { GroupCommit } from '../group-commit.js';
import type { NewUsageEvent, UsageRecord, UsageStore } from '../usage.js';
import { type Repeat, repeatRecord, type StoredUsageRow, sortRepeats } from '../usage-repeats.js';

interface StoredEventRow {
  provisioning_id: string;
  sku: string;
  quantity_micros: bigint;
  occurred_at: bigint;
  received_at: bigint;
  period: string;
}

const toStoredRow = (row: StoredEventRow): StoredUsageRow => ({
  provisioningId: row.provisioning_id,
  sku: row.sku,
  micros: row.quantity_micros,
  occurredAt: Number(row.occurred_at),
  receivedAt: Number(row.received_at),
  period: row.period,
});

/** Recording usage events on SQLite; `lastClosed` reads the latest closed period. */
export function sqliteUsageRecording(
  db: Database.Database,
  group: GroupCommit,
  lastClosed: Database.Statement,
): Pick<UsageStore, 'recordUsage'> {
  const skuState = db.prepare(
    'SELECT ended_at FROM order_skus WHERE provisioning_id = @provisioningId AND sku = @sku',
  );
  const orderExists = db.prepare('SELECT 1 FROM orders WHERE provisioning_id = ?');
  const findEvent = db
    .prepare(
      `SELECT provisioning_id, sku, quantity_micros, occurred_at, received_at, period
       FROM usage_events WHERE event_id = ?`,
    )
    .safeIntegers(true);
  const insertEvent = db.prepare(
    `INSERT INTO usage_events (event_id, provisioning_id, sku, quantity_micros, occurred_at, received_at, period)
     VALUES (@eventId, @provisioningId, @sku, @micros, @occurredAt, @receivedAt, @period)`,
  );

  // The state of a new event's order and SKU: recorded there, or why it is refused.
  function checkOrder(event: NewUsageEvent, period: string): UsageRecord {
    const { eventId } = event;
    const sku = skuState.get(event) as { ended_at: number | null } | undefined;
    if (!sku)
      return {
        eventId,
        result: orderExists.get(event.provisioningId) ? 'unknown-sku' : 'unknown-order',
      };
    if (sku.ended_at !== null) return { eventId, result: 'terminated' };
    return { eventId, result: 'recorded', period };
  }

  function record(events: readonly NewUsageEvent[]): UsageRecord[] {
    const closed = (lastClosed.get() as { period: string | null }).period;
    const stored = new Map<string, StoredUsageRow>();
    for (const { eventId } of events) {
      const row = findEvent.get(eventId) as StoredEventRow | undefined;
      if (row) stored.set(eventId, toStoredRow(row));
    }
    const repeats = sortRepeats(events, stored, closed);
    const results = events.map((event, index): UsageRecord => {
      const repeat = repeats[index] as Repeat;
      return repeat.kind === 'new'
        ? checkOrder(event, repeat.period)
        : repeatRecord(event.eventId, repeat);
    });
    // All or nothing: a batch with a refused event stores none of it.
    if (results.some((r) => r.result !== 'recorded' && r.result !== 'duplicate')) return results;
    for (const [index, event] of events.entries()) {
      const repeat = repeats[index] as Repeat;
      if (repeat.kind === 'new') insertEvent.run({ ...event, period: repeat.period });
    }
    return results;
  }

  return { recordUsage: (events) => group.run(() => record(events)) };
}
