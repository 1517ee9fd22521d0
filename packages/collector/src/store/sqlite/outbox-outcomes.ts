import type Database from 'better-sqlite3';
import type { GroupCommit } from '../group-commit.js';
import type { AttemptRecord, OutboxStore } from '../outbox.js';
import { awaitingOutcome } from '../relay-states.js';
import { takeReplacement } from './outbox-replacement.js';

/** Recording an attempt's outcome, only under the claim it was sent with, on SQLite. */
export function sqliteRelayOutcomes(
  db: Database.Database,
  group: GroupCommit,
): Pick<OutboxStore, 'markDelivered' | 'scheduleRetry' | 'markDead' | 'markUnconfirmed'> {
  // An outcome counts only while the row awaits the claim it was sent with.
  const finish = (status: string, extra = '') =>
    db.prepare(
      `UPDATE relays SET status = ${status}, lease_until = NULL, last_status = @status,
         last_body = @body, last_error = @error, updated_at = @at,
         late = COALESCE(@at >= @lateFrom, late) ${extra}
       WHERE id = @id AND ${awaitingOutcome('@claim')}`,
    );
  // The attempt carried the beacon's body and reached the marketplace: the report that
  // waited beside it is not sent too.
  const delivered = finish("'delivered'", ', delivered_at = @at, replacement = NULL');
  const retry = finish("'pending'", `, next_attempt_at = @next, ${takeReplacement}`);
  // A dead beacon attempt does not make the report that waited beside it dead: that one
  // has not been tried. It is due now, with its own retry window.
  const dead = finish(
    `IIF(replacement IS NULL, 'dead', 'pending')`,
    `, next_attempt_at = IIF(replacement IS NULL, next_attempt_at, @at),
       replayed_at = IIF(replacement IS NULL, replayed_at, @at), ${takeReplacement}`,
  );
  const unconfirmed = finish("'unconfirmed'");
  const bind = (id: number, attempt: AttemptRecord) => ({
    id,
    claim: attempt.claim ?? null,
    at: attempt.at,
    status: attempt.status,
    body: attempt.body,
    error: attempt.error,
    lateFrom: attempt.lateFrom ?? null,
  });
  const changed = (result: Database.RunResult) => result.changes > 0;
  return {
    markDelivered: (id, attempt) => group.run(() => changed(delivered.run(bind(id, attempt)))),
    scheduleRetry: (id, nextAttemptAt, attempt) =>
      group.run(() => changed(retry.run({ ...bind(id, attempt), next: nextAttemptAt }))),
    markDead: (id, attempt) => group.run(() => changed(dead.run(bind(id, attempt)))),
    markUnconfirmed: (id, attempt) => group.run(() => changed(unconfirmed.run(bind(id, attempt)))),
  };
}
