import type pg from 'pg';
import { CONFIRMABLE, CONFIRMED_ERROR, NOT_KEPT } from '../kept-relays.js';
import type { RelayStatus } from '../outbox.js';
import { countsByStatus } from '../relay-states.js';
import type { UsageBucket, UsageLine, UsageStore } from '../usage.js';
import { inTransaction, LOCKS, type Queryable } from './db.js';
import { queueRelay } from './relay-rows.js';
import { LAST_CLOSED, lastClosed, recordUsage } from './usage-record.js';

interface BucketRow {
  provisioning_id: string;
  sku: string;
  period: string;
  /** The exact sum, as text. */
  micros: string;
  customer_id: string;
  provider_key: string;
  product_id: number;
}

const toBucket = (row: BucketRow): UsageBucket => ({
  provisioningId: row.provisioning_id,
  sku: row.sku,
  period: row.period,
  micros: BigInt(row.micros),
  customerId: row.customer_id,
  providerKey: row.provider_key,
  productId: row.product_id,
});

const BUCKET_COLUMNS = `e.provisioning_id, e.sku, e.period, SUM(e.quantity_micros)::text AS micros,
  o.customer_id, o.provider_key, o.product_id`;

/**
 * The buckets of an order's SKU in periods not closed yet, read in the caller's
 * transaction (which holds the usage calendar's lock).
 */
export async function openBuckets(
  client: Queryable,
  provisioningId: string,
  sku: string,
): Promise<UsageBucket[]> {
  const rows = await client.query<BucketRow>(
    `SELECT ${BUCKET_COLUMNS}
     FROM usage_events AS e JOIN orders AS o USING (provisioning_id)
     WHERE e.provisioning_id = $1 AND e.sku = $2
       AND e.period > COALESCE((${LAST_CLOSED}), '')
     GROUP BY e.provisioning_id, e.sku, e.period, o.customer_id, o.provider_key, o.product_id
     ORDER BY e.period`,
    [provisioningId, sku],
  );
  return rows.rows.map(toBucket);
}

interface LineRow extends BucketRow {
  events: number;
  report_id: number | null;
  status: RelayStatus | null;
  last_error: string | null;
  delivered_at: number | null;
  late: boolean | null;
  attempts: number | null;
}

/**
 * {@link UsageStore} on PostgreSQL. A close holds the usage calendar's lock, so two
 * instances closing the same period queue its reports once (the second finds it closed).
 */
export function postgresUsage(pool: pg.Pool): UsageStore {
  return {
    recordUsage: (events) => recordUsage(pool, events),
    lastClosedPeriod: () => lastClosed(pool),
    firstOpenUsagePeriod: async () => {
      const rows = await pool.query<{ period: string | null }>(
        `SELECT MIN(period) AS period FROM usage_events
         WHERE period > COALESCE((${LAST_CLOSED}), '')`,
      );
      return rows.rows[0]?.period ?? null;
    },
    closePeriod: ({ period, now, early, report }) =>
      inTransaction(pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.close]);
        const closed = await lastClosed(client);
        if (closed !== null && period <= closed) return null;
        await client.query(
          `INSERT INTO usage_periods (period, closed_at, early) VALUES ($1, $2, $3)
           ON CONFLICT (period) DO NOTHING`,
          [period, now, early],
        );
        const buckets = await client.query<BucketRow>(
          `SELECT ${BUCKET_COLUMNS}
           FROM usage_events AS e JOIN orders AS o USING (provisioning_id)
           WHERE e.period = $1
           GROUP BY e.provisioning_id, e.sku, e.period, o.customer_id, o.provider_key, o.product_id
           ORDER BY e.provisioning_id, e.sku`,
          [period],
        );
        const counts = { queued: 0, held: 0 };
        for (const row of buckets.rows) {
          const relay = report(toBucket(row));
          if ((await queueRelay(client, relay)).queued) {
            counts[relay.held === undefined ? 'queued' : 'held']++;
          }
        }
        return counts;
      }),
    listClosedPeriods: async ({ limit = 24 } = {}) => {
      const rows = await pool.query<{ period: string; closed_at: number; early: boolean }>(
        'SELECT period, closed_at, early FROM usage_periods ORDER BY period DESC LIMIT $1',
        [limit],
      );
      return rows.rows.map((row) => ({
        period: row.period,
        closedAt: row.closed_at,
        early: row.early,
      }));
    },
    usageLines: async ({ period, provisioningId } = {}) => {
      const rows = await pool.query<LineRow>(
        `SELECT ${BUCKET_COLUMNS}, COUNT(*) AS events,
           r.id AS report_id, r.status, r.last_error, r.delivered_at, r.late, r.attempts
         FROM usage_events AS e JOIN orders AS o USING (provisioning_id)
         LEFT JOIN relays AS r ON r.kind = 'usage_report' AND r.order_id = e.provisioning_id
           AND r.sku = e.sku AND r.period = e.period
         WHERE ($1::text IS NULL OR e.period = $1::text)
           AND ($2::text IS NULL OR e.provisioning_id = $2::text)
         GROUP BY e.period, e.provisioning_id, e.sku, o.customer_id, o.provider_key,
           o.product_id, r.id
         ORDER BY e.period DESC, e.provisioning_id, e.sku LIMIT 1000`,
        [period ?? null, provisioningId ?? null],
      );
      return rows.rows.map(
        (row): UsageLine => ({
          ...toBucket(row),
          events: row.events,
          report:
            row.report_id === null
              ? null
              : {
                  id: row.report_id,
                  status: row.status as RelayStatus,
                  lastError: row.last_error,
                  deliveredAt: row.delivered_at,
                  late: row.late === true,
                  attempts: row.attempts ?? 0,
                },
        }),
      );
    },
    confirmReport: async (id, now) => {
      const result = await pool.query(
        `UPDATE relays SET status = 'delivered',
       -- Received when it was last sent (its outcome's time, or its claim's if it was
       -- interrupted: the settle keeps it); held: billed by hand, now.
       delivered_at = CASE WHEN status = 'unconfirmed' THEN updated_at ELSE $2 END,
       updated_at = $2,
           last_error = ${CONFIRMED_ERROR}
         WHERE id = $1 AND ${CONFIRMABLE}`,
        [id, now],
      );
      return result.rowCount === 1;
    },
    resendReport: async (id, now) => {
      const result = await pool.query(
        `UPDATE relays SET status = 'pending', next_attempt_at = $2, replayed_at = $2,
           updated_at = $2
         WHERE id = $1 AND kind = 'usage_report' AND status IN ('unconfirmed', 'dead')
           AND ${NOT_KEPT}`,
        [id, now],
      );
      return result.rowCount === 1;
    },
    countReports: async () => {
      const rows = await pool.query<{ status: RelayStatus; n: number }>(
        `SELECT status, COUNT(*) AS n FROM relays WHERE kind = 'usage_report' GROUP BY status`,
      );
      return countsByStatus(rows.rows);
    },
    countHeldReports: async () => {
      const rows = await pool.query<{ n: number }>(
        `SELECT COUNT(*) AS n FROM relays WHERE kind = 'usage_report' AND status = 'dead'
           AND NOT ${NOT_KEPT}`,
      );
      return rows.rows[0]?.n ?? 0;
    },
  };
}
