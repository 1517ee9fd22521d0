import type Database from 'better-sqlite3';
import type { AdminStore } from '../admin-reads.js';
import type { GroupCommit } from '../group-commit.js';
import { NOT_KEPT, WRITABLE_OFF, WRITTEN_OFF_ERROR } from '../kept-relays.js';
import { prepareSupersedeStarts } from './supersede.js';

/** An operator's actions on dead relays (write off, replay), on SQLite. */
export function sqliteRelayActions(
  db: Database.Database,
  group: GroupCommit,
): Pick<AdminStore, 'writeOff' | 'replayDead'> {
  const writeOff = db.prepare(
    `UPDATE relays SET last_error = ${WRITTEN_OFF_ERROR}, updated_at = @now
     WHERE id = @id AND ${WRITABLE_OFF}`,
  );
  const replayAll = db.prepare(
    `UPDATE relays SET status = 'pending', next_attempt_at = @now, replayed_at = @now,
       updated_at = @now WHERE status = 'dead' AND ${NOT_KEPT}
       AND (@withoutOrders = 0 OR order_id IS NULL)`,
  );
  const replayOne = db.prepare(
    `UPDATE relays SET status = 'pending', next_attempt_at = @now, replayed_at = @now,
       updated_at = @now WHERE status = 'dead' AND id = @id AND ${NOT_KEPT}`,
  );
  // A dead start whose SKU has since ended is named superseded first, so no replay sends it.
  const supersedeStarts = prepareSupersedeStarts(db);

  return {
    writeOff: (id, now) => group.run(() => writeOff.run({ id, now }).changes > 0),
    replayDead: ({ now, ids, withoutOrders = false }) =>
      group.run(() => {
        supersedeStarts(now);
        // The purchases first: an id among them is pending by then, so counted once.
        let replayed =
          ids && !withoutOrders
            ? 0
            : replayAll.run({ now, withoutOrders: Number(withoutOrders) }).changes;
        for (const id of ids ?? []) replayed += replayOne.run({ now, id }).changes;
        return replayed;
      }),
  };
}
