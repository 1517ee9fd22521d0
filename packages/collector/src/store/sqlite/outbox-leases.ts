import type Database from 'better-sqlite3';
import type { Clock } from '../../clock.js';
import type { GroupCommit } from '../group-commit.js';
import type { OutboxStore } from '../outbox.js';
import { takeReplacement } from './outbox-replacement.js';

/** Releasing claims and renewing their leases, on SQLite. */
export function sqliteRelayLeases(
  db: Database.Database,
  group: GroupCommit,
  clock: Clock,
): Pick<OutboxStore, 'releaseClaims' | 'renewLeases'> {
  const release = db.prepare(
    `UPDATE relays SET status = 'pending', lease_until = NULL, next_attempt_at = @now,
       updated_at = @now, ${takeReplacement}
     WHERE id = @id AND status = 'in_flight'`,
  );
  const renew = db.prepare(
    `UPDATE relays SET lease_until = @leaseUntil
     WHERE id = @id AND status = 'in_flight' AND attempts = @claim`,
  );
  const changed = (result: Database.RunResult) => result.changes > 0;
  return {
    releaseClaims: (ids) =>
      group.run(() => {
        const now = clock.now();
        for (const id of ids) release.run({ id, now });
      }),
    renewLeases: ({ claims, now, leaseMs }) =>
      group.run(() =>
        claims
          .filter(({ id, claim }) => changed(renew.run({ id, claim, leaseUntil: now + leaseMs })))
          .map(({ id }) => id),
      ),
  };
}
