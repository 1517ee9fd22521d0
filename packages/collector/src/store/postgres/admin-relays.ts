import type pg from 'pg';
import type { RelayReads } from '../admin-reads.js';
import { BILLING_IN_DOUBT, NOT_KEPT } from '../kept-relays.js';
import type { RelayStatus } from '../outbox.js';
import { relayCounts } from '../relay-states.js';
import { type RelayRow, toRelay } from './relay-rows.js';

/** Reading relays for the dashboard, the CLI and the provider API, on PostgreSQL. */
export function postgresRelayReads(pool: pg.Pool): RelayReads {
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
    oldestPendingSince: async () =>
      (
        await pool.query<{ t: number | null }>(
          `SELECT MIN(COALESCE(replayed_at, created_at)) AS t FROM relays
           WHERE status IN ('pending', 'in_flight')`,
        )
      ).rows[0]?.t ?? null,
  };
}
