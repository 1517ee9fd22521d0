import type pg from 'pg';
import { CONFIRMABLE, CONFIRMED_ERROR, NOT_KEPT } from '../kept-relays.js';
import type { RelayStatus } from '../outbox.js';
import { countsByStatus } from '../relay-states.js';
import type { UsageStore } from '../usage.js';

/** An operator's actions on usage reports (confirm, resend) and their counts, on PostgreSQL. */
export function postgresUsageReports(
  pool: pg.Pool,
): Pick<UsageStore, 'confirmReport' | 'resendReport' | 'countReports' | 'countHeldReports'> {
  return {
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
