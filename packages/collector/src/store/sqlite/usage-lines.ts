import type Database from 'better-sqlite3';
import type { GroupCommit } from '../group-commit.js';
import type { RelayStatus } from '../outbox.js';
import type { UsageLine, UsageStore } from '../usage.js';
import { type BucketRow, toBucket } from './usage-buckets.js';
import { SLICED_SUM } from './usage-sums.js';

/** Reading usage lines (buckets with what became of their reports) on SQLite. */
export function sqliteUsageLines(
  db: Database.Database,
  group: GroupCommit,
): Pick<UsageStore, 'usageLines'> {
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
  return {
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
  };
}
