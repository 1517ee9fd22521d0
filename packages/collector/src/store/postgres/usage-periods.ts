import type pg from 'pg';
import type { UsageStore } from '../usage.js';
import { inTransaction, LOCKS } from './db.js';
import { queueRelay } from './relay-rows.js';
import { BUCKET_COLUMNS, type BucketRow, toBucket } from './usage-buckets.js';
import { LAST_CLOSED, lastClosed } from './usage-record.js';

/**
 * Closing usage periods on PostgreSQL, and reading which are closed. A close holds the
 * usage calendar's lock, so two instances closing the same period queue its reports once
 * (the second finds it closed).
 */
export function postgresUsagePeriods(
  pool: pg.Pool,
): Pick<
  UsageStore,
  'lastClosedPeriod' | 'firstOpenUsagePeriod' | 'closePeriod' | 'listClosedPeriods'
> {
  return {
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
  };
}
