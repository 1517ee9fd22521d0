import type Database from 'better-sqlite3';
import type { GroupCommit } from '../group-commit.js';
import { CONFIRMABLE, CONFIRMED_ERROR, NOT_KEPT } from '../kept-relays.js';
import type { RelayStatus } from '../outbox.js';
import { countsByStatus } from '../relay-states.js';
import type { UsageStore } from '../usage.js';

/** An operator's actions on usage reports (confirm, resend) and their counts, on SQLite. */
export function sqliteUsageReports(
  db: Database.Database,
  group: GroupCommit,
): Pick<UsageStore, 'confirmReport' | 'resendReport' | 'countReports' | 'countHeldReports'> {
  const confirm = db.prepare(
    `UPDATE relays SET status = 'delivered',
       -- Received when it was last sent (its outcome's time, or its claim's if it was
       -- interrupted: the settle keeps it); held: billed by hand, now.
       delivered_at = CASE WHEN status = 'unconfirmed' THEN updated_at ELSE @now END,
       updated_at = @now,
       last_error = ${CONFIRMED_ERROR}
     WHERE id = @id AND ${CONFIRMABLE}`,
  );
  const resend = db.prepare(
    `UPDATE relays SET status = 'pending', next_attempt_at = @now, replayed_at = @now,
       updated_at = @now
     WHERE id = @id AND kind = 'usage_report' AND status IN ('unconfirmed', 'dead')
       AND ${NOT_KEPT}`,
  );
  const countReports = db.prepare(
    `SELECT status, COUNT(*) AS n FROM relays WHERE kind = 'usage_report' GROUP BY status`,
  );
  const countHeld = db.prepare(
    `SELECT COUNT(*) AS n FROM relays WHERE kind = 'usage_report' AND status = 'dead'
       AND NOT ${NOT_KEPT}`,
  );
  return {
    confirmReport: (id, now) => group.run(() => confirm.run({ id, now }).changes > 0),
    resendReport: (id, now) => group.run(() => resend.run({ id, now }).changes > 0),
    countReports: () =>
      group.run(() => countsByStatus(countReports.all() as { status: RelayStatus; n: number }[])),
    countHeldReports: () => group.run(() => (countHeld.get() as { n: number }).n),
  };
}
