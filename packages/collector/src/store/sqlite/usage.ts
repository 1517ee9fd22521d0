import type Database from 'better-sqlite3';
import type { GroupCommit } from '../group-commit.js';
import { CONFIRMABLE, CONFIRMED_ERROR, NOT_KEPT } from '../kept-relays.js';
import type { RelayStatus } from '../outbox.js';
import { countsByStatus } from '../relay-states.js';
import type { NewUsageEvent, UsageBucket, UsageLine, UsageRecord, UsageStore } from '../usage.js';
import { type Repeat, repeatRecord, type StoredUsageRow, sortRepeats } from '../usage-repeats.js';
import { prepareQueueRelay } from './relay-rows.js';
import { joinSlices, SLICED_SUM, type SlicedSum } from './usage-sums.js';

interface BucketRow extends SlicedSum {
  provisioning_id: string;
  sku: string;
  period: string;
  customer_id: string;
  provider_key: string;
  product_id: bigint;
}

const toBucket = (row: BucketRow): UsageBucket => ({
  provisioningId: row.provisioning_id,
  sku: row.sku,
  period: row.period,
  micros: joinSlices(row),
  customerId: row.customer_id,
  providerKey: row.provider_key,
  productId: Number(row.product_id),
});

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

/**
 * The SQL and helpers usage shares with termination: the buckets of an order's SKU in
 * periods not closed yet, read in the caller's transaction.
 */
export function prepareOpenBuckets(db: Database.Database) {
  const select = db
    .prepare(
      `SELECT e.provisioning_id, e.sku, e.period, ${SLICED_SUM},
         o.customer_id, o.provider_key, o.product_id
       FROM usage_events AS e JOIN orders AS o USING (provisioning_id)
       WHERE e.provisioning_id = @provisioningId AND e.sku = @sku
         AND e.period > COALESCE((SELECT MAX(period) FROM usage_periods), '')
       GROUP BY e.period ORDER BY e.period`,
    )
    .safeIntegers(true);
  return (provisioningId: string, sku: string): UsageBucket[] =>
    (select.all({ provisioningId, sku }) as BucketRow[]).map(toBucket);
}

/** {@link UsageStore} on SQLite. */
export function sqliteUsage(db: Database.Database, group: GroupCommit): UsageStore {
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
  const lastClosed = db.prepare('SELECT MAX(period) AS period FROM usage_periods');
  const firstOpen = db.prepare(
    `SELECT MIN(period) AS period FROM usage_events
     WHERE period > COALESCE((SELECT MAX(period) FROM usage_periods), '')`,
  );
  const insertEvent = db.prepare(
    `INSERT INTO usage_events (event_id, provisioning_id, sku, quantity_micros, occurred_at, received_at, period)
     VALUES (@eventId, @provisioningId, @sku, @micros, @occurredAt, @receivedAt, @period)`,
  );
  const insertPeriod = db.prepare(
    `INSERT INTO usage_periods (period, closed_at, early) VALUES (@period, @now, @early)
     ON CONFLICT (period) DO NOTHING`,
  );
  const periodBuckets = db
    .prepare(
      `SELECT e.provisioning_id, e.sku, e.period, ${SLICED_SUM},
         o.customer_id, o.provider_key, o.product_id
       FROM usage_events AS e JOIN orders AS o USING (provisioning_id)
       WHERE e.period = ? GROUP BY e.provisioning_id, e.sku ORDER BY e.provisioning_id, e.sku`,
    )
    .safeIntegers(true);
  const closedPeriods = db.prepare(
    'SELECT period, closed_at, early FROM usage_periods ORDER BY period DESC LIMIT ?',
  );
  const lines = db
    .prepare(
      `SELECT e.provisioning_id, e.sku, e.period, ${SLICED_SUM},
         COUNT(*) AS events, o.customer_id, o.provider_key, o.product_id,
         r.id AS report_id, r.status, r.last_error, r.delivered_at, r.late, r.attempts
       FROM usage_events AS e JOIN orders AS o USING (provisioning_id)
       LEFT JOIN relays AS r ON r.kind = 'usage_report' AND r.order_id = e.provisioning_id
         AND r.sku = e.sku AND r.period = e.period
       WHERE (@period IS NULL OR e.period = @period)
         AND (@provisioningId IS NULL OR e.provisioning_id = @provisioningId)
       GROUP BY e.period, e.provisioning_id, e.sku
       ORDER BY e.period DESC, e.provisioning_id, e.sku LIMIT 1000`,
    )
    .safeIntegers(true);
  const confirm = db.prepare(
    `UPDATE relays SET status = 'delivered',
       -- Received when it was last sent (its outcome's time, or its claim's if it was
       -- interrupted: the settle keeps it); held: billed by hand, now.
       delivered_at = CASE WHEN status = 'unconfirmed' THEN updated_at ELSE @now END,
       updated_at = @now,
       last_error = ${CONFIRMED_ERROR}
     WHERE id = @id AND ${CONFIRMABLE}`,
  );
  const resend = db.prepare(
    `UPDATE relays SET status = 'pending', next_attempt_at = @now, replayed_at = @now,
       updated_at = @now
     WHERE id = @id AND kind = 'usage_report' AND status IN ('unconfirmed', 'dead')
       AND ${NOT_KEPT}`,
  );
  const countReports = db.prepare(
    `SELECT status, COUNT(*) AS n FROM relays WHERE kind = 'usage_report' GROUP BY status`,
  );
  const countHeld = db.prepare(
    `SELECT COUNT(*) AS n FROM relays WHERE kind = 'usage_report' AND status = 'dead'
       AND NOT ${NOT_KEPT}`,
  );
  const queueRelay = prepareQueueRelay(db);

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

  return {
    recordUsage: (events) => group.run(() => record(events)),
    lastClosedPeriod: () => group.run(() => (lastClosed.get() as { period: string | null }).period),
    firstOpenUsagePeriod: () =>
      group.run(() => (firstOpen.get() as { period: string | null }).period),
    closePeriod: ({ period, now, early, report }) =>
      group.run(() => {
        const closed = (lastClosed.get() as { period: string | null }).period;
        if (closed !== null && period <= closed) return null;
        insertPeriod.run({ period, now, early: Number(early) });
        const counts = { queued: 0, held: 0 };
        for (const row of periodBuckets.all(period) as BucketRow[]) {
          const relay = report(toBucket(row));
          if (queueRelay(relay).queued) counts[relay.held === undefined ? 'queued' : 'held']++;
        }
        return counts;
      }),
    listClosedPeriods: ({ limit = 24 } = {}) =>
      group.run(() =>
        (closedPeriods.all(limit) as { period: string; closed_at: number; early: number }[]).map(
          (row) => ({ period: row.period, closedAt: row.closed_at, early: row.early === 1 }),
        ),
      ),
    usageLines: ({ period, provisioningId } = {}) =>
      group.run(() =>
        (
          lines.all({
            period: period ?? null,
            provisioningId: provisioningId ?? null,
          }) as (BucketRow & {
            events: bigint;
            report_id: bigint | null;
            status: RelayStatus | null;
            last_error: string | null;
            delivered_at: bigint | null;
            late: bigint | null;
            attempts: bigint | null;
          })[]
        ).map(
          (row): UsageLine => ({
            ...toBucket(row),
            events: Number(row.events),
            report:
              row.report_id === null
                ? null
                : {
                    id: Number(row.report_id),
                    status: row.status as RelayStatus,
                    lastError: row.last_error,
                    deliveredAt: row.delivered_at === null ? null : Number(row.delivered_at),
                    late: row.late === 1n,
                    attempts: Number(row.attempts),
                  },
          }),
        ),
      ),
    confirmReport: (id, now) => group.run(() => confirm.run({ id, now }).changes > 0),
    resendReport: (id, now) => group.run(() => resend.run({ id, now }).changes > 0),
    countReports: () =>
      group.run(() => countsByStatus(countReports.all() as { status: RelayStatus; n: number }[])),
    countHeldReports: () => group.run(() => (countHeld.get() as { n: number }).n),
  };
}
