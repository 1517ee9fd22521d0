import type pg from 'pg';
import type { AdminStore, DayStats } from '../admin-reads.js';
import { DAY_MS, emptyDays } from '../day-stats.js';
import type { NewEvent } from '../ingest.js';
import { inTransaction } from './db.js';

/** Counting tracked events and the funnel's days, on PostgreSQL. */
export function postgresEventStats(
  pool: pg.Pool,
): Pick<AdminStore, 'countEvents' | 'countEventsByType' | 'dailyStats'> {
  return {
    countEvents: async () =>
      (await pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM events')).rows[0]?.n ?? 0,
    countEventsByType: async () => {
      const counts = { visit: 0, purchase: 0 };
      const rows = await pool.query<{ type: NewEvent['type']; n: number }>(
        'SELECT type, COUNT(*) AS n FROM events GROUP BY type',
      );
      for (const row of rows.rows) counts[row.type] = row.n;
      return counts;
    },
    dailyStats: ({ since, until }) =>
      inTransaction(
        pool,
        async (client) => {
          const days = emptyDays(since, until);
          const visits = await client.query<{ d: number; n: number }>(
            `SELECT received_at / ${DAY_MS} AS d, COUNT(*) AS n FROM events
             WHERE type = 'visit' AND received_at >= $1 AND received_at < $2 GROUP BY d`,
            [since, until],
          );
          for (const row of visits.rows) {
            const day = days.get(row.d);
            if (day) day.visits = row.n;
          }
          // The funnel counts purchases: SaasTracking relays, not the order calls beside them.
          type Row = Omit<DayStats, 'day' | 'visits'> & { d: number };
          const purchases = await client.query<Row>(
            `SELECT created_at / ${DAY_MS} AS d, COUNT(*) AS purchases,
               COUNT(*) FILTER (WHERE status = 'delivered') AS delivered,
               COUNT(*) FILTER (WHERE status IN ('pending', 'in_flight')) AS pending,
               COUNT(*) FILTER (WHERE status = 'dead') AS dead
             FROM relays
             WHERE created_at >= $1 AND created_at < $2 AND kind = 'saas_tracking'
             GROUP BY d`,
            [since, until],
          );
          for (const { d, ...counts } of purchases.rows) {
            const day = days.get(d);
            if (day) Object.assign(day, counts);
          }
          return [...days.values()];
        },
        { readOnly: true },
      ),
  };
}
