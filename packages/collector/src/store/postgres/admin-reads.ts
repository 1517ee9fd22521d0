import type pg from 'pg';
import type { AdminStore, DayStats } from '../admin-reads.js';
import { DAY_MS, emptyDays } from '../day-stats.js';
import type { NewEvent } from '../ingest.js';
import { BILLING_IN_DOUBT, NOT_KEPT, WRITABLE_OFF, WRITTEN_OFF_ERROR } from '../kept-relays.js';
import type { RelayStatus } from '../outbox.js';
import { relayCounts } from '../relay-states.js';
import { inTransaction } from './db.js';
import { type RelayRow, toRelay } from './relay-rows.js';
import { supersedeStarts } from './supersede.js';

/** {@link AdminStore} on PostgreSQL. */
export function postgresAdminReads(pool: pg.Pool): AdminStore {
  const relays = async (sql: string, params: unknown[]) =>
    (await pool.query<RelayRow>(sql, params)).rows.map(toRelay);
  return {
    countRelays: async () => {
      const rows = await pool.query<{ status: RelayStatus | 'kept'; n: number }>(
        `SELECT CASE WHEN ${NOT_KEPT} THEN status ELSE 'kept' END AS status, COUNT(*) AS n
         FROM relays GROUP BY 1`,
      );
      return relayCounts(rows.rows);
    },
    listRelays: ({ status, limit = 100 } = {}) =>
      relays(
        `SELECT * FROM relays WHERE $1::text IS NULL OR status = $1::text
         ORDER BY id DESC LIMIT $2`,
        [status ?? null, limit],
      ),
    pageRelays: ({ afterId, limit, status, ordersOnly }) =>
      relays(
        `SELECT * FROM relays WHERE id > $1 AND ($2::text IS NULL OR status = $2::text)
           AND (NOT $4::boolean OR order_id IS NOT NULL)
         ORDER BY id LIMIT $3`,
        [afterId, status ?? null, limit, ordersOnly === true],
      ),
    listBillingInDoubt: () =>
      relays(`SELECT * FROM relays WHERE ${BILLING_IN_DOUBT} ORDER BY id`, []),
    findRelay: async (kind, dedupeKey) =>
      (
        await relays('SELECT * FROM relays WHERE kind = $1 AND dedupe_key = $2', [kind, dedupeKey])
      )[0] ?? null,
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
    oldestPendingSince: async () =>
      (
        await pool.query<{ t: number | null }>(
          `SELECT MIN(COALESCE(replayed_at, created_at)) AS t FROM relays
           WHERE status IN ('pending', 'in_flight')`,
        )
      ).rows[0]?.t ?? null,
    // A dead start whose SKU has since ended is named superseded first, so no replay sends it.
    writeOff: async (id, now) => {
      const result = await pool.query(
        `UPDATE relays SET last_error = ${WRITTEN_OFF_ERROR}, updated_at = $2
         WHERE id = $1 AND ${WRITABLE_OFF}`,
        [id, now],
      );
      return result.rowCount === 1;
    },
    replayDead: ({ now, ids, withoutOrders = false }) =>
      inTransaction(pool, async (client) => {
        await supersedeStarts(client, now);
        const replayed = await client.query(
          `UPDATE relays SET status = 'pending', next_attempt_at = $1, replayed_at = $1,
             updated_at = $1
           WHERE status = 'dead' AND ${NOT_KEPT}
             AND (($2::bigint[] IS NULL AND NOT $3::boolean)
               OR ($3::boolean AND order_id IS NULL) OR id = ANY($2::bigint[]))`,
          [now, ids ? [...ids] : null, withoutOrders],
        );
        return replayed.rowCount ?? 0;
      }),
  };
}
