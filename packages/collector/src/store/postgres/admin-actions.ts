import type pg from 'pg';
import type { AdminStore } from '../admin-reads.js';
import { NOT_KEPT, WRITABLE_OFF, WRITTEN_OFF_ERROR } from '../kept-relays.js';
import { inTransaction } from './db.js';
import { supersedeStarts } from './supersede.js';

/** An operator's actions on dead relays (write off, replay), on PostgreSQL. */
export function postgresRelayActions(pool: pg.Pool): Pick<AdminStore, 'writeOff' | 'replayDead'> {
  return {
    writeOff: async (id, now) => {
      const result = await pool.query(
        `UPDATE relays SET last_error = ${WRITTEN_OFF_ERROR}, updated_at = $2
         WHERE id = $1 AND ${WRITABLE_OFF}`,
        [id, now],
      );
      return result.rowCount === 1;
    },
    // A dead start whose SKU has since ended is named superseded first, so no replay sends it.
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
