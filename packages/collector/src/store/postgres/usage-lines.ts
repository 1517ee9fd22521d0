import type pg from 'pg';
import type { RelayStatus } from '../outbox.js';
import type { UsageLine, UsageStore } from '../usage.js';
import { BUCKET_COLUMNS, type BucketRow, toBucket } from './usage-buckets.js';

interface LineRow extends BucketRow {
  events: number;
  report_id: number | null;
  status: RelayStatus | null;
  last_error: string | null;
  delivered_at: number | null;
  late: boolean | null;
  attempts: number | null;
}

const toLine = (row: LineRow): UsageLine => ({
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
});

/** Reading usage lines (buckets with what became of their reports) on PostgreSQL. */
export function postgresUsageLines(pool: pg.Pool): Pick<UsageStore, 'usageLines'> {
  return {
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
      return rows.rows.map(toLine);
    },
  };
}
