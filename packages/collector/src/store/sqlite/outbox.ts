import type Database from 'better-sqlite3';
import type { Clock } from '../../clock.js';
import type { GroupCommit } from '../group-commit.js';
import type { AttemptRecord, OutboxStore } from '../outbox.js';
import { awaitingOutcome } from '../relay-states.js';
import { SKU_ORDER } from '../superseded-starts.js';
import { type RelayRow, toRelay } from './relay-rows.js';
import { prepareSupersedeStarts } from './supersede.js';

// A backend report that waited beside an attempt in flight (sqlite/ingest.ts) becomes the
// relay's body whenever that attempt ends without delivery, or the row is claimed again
// (its lease expired, or a restart released it).
const takeReplacement = `payload = COALESCE(replacement, payload),
  purchased_at = COALESCE(json_extract(replacement, '$.purchasedAt'), purchased_at),
  source = IIF(replacement IS NULL, source, 'api'), replacement = NULL`;

/** {@link OutboxStore} on SQLite: claims with leases, outcomes only under the claim sent with. */
export function sqliteOutbox(db: Database.Database, group: GroupCommit, clock: Clock): OutboxStore {
  // Each branch walks relays_due in order and stops at @limit, so a claim costs the same
  // with 100 or 100,000 due rows (an OR over both would read and sort every due row).
  // Rows whose pause is on wait; an expired lease never re-sends one sent at most once (it
  // may have been received: the store turns it unconfirmed instead); never a start after
  // the end of its SKU (store/superseded-starts).
  const ready = `(pause IS NULL OR pause NOT IN (SELECT value FROM json_each(@paused)))
    AND ${SKU_ORDER}`;
  const claim = db.prepare(
    `UPDATE relays SET status = 'in_flight', attempts = attempts + 1, lease_until = @leaseUntil,
       updated_at = @now, ${takeReplacement}
     WHERE id IN (
       SELECT id FROM (
         SELECT id, next_attempt_at FROM (
           SELECT id, next_attempt_at FROM relays
           WHERE status = 'pending' AND next_attempt_at <= @now AND ${ready}
           ORDER BY next_attempt_at, id LIMIT @limit)
         UNION ALL
         SELECT id, next_attempt_at FROM (
           SELECT id, next_attempt_at FROM relays
           WHERE status = 'in_flight' AND lease_until <= @now AND at_most_once = 0
             AND ${ready}
           ORDER BY next_attempt_at, id LIMIT @limit))
       ORDER BY next_attempt_at, id LIMIT @limit)
     RETURNING *`,
  );
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
  const supersedeStarts = prepareSupersedeStarts(db);
  return {
    claimDueRelays: ({ now, limit, leaseMs, pauses = [] }) =>
      group.run(() => {
        // A start that came back from an attempt (or a lost sender) after its SKU ended
        // is superseded first, so the end goes and the start never does.
        supersedeStarts(now);
        // One instance: its clock is the store's.
        const paused = pauses.filter(({ start, end }) => now >= start && now < end);
        const params = {
          now,
          limit,
          leaseUntil: now + leaseMs,
          paused: JSON.stringify(paused.map(({ name }) => name)),
        };
        const rows = claim.all(params) as RelayRow[];
        return rows.map(toRelay).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id);
      }),
    markDelivered: (id, attempt) => group.run(() => changed(delivered.run(bind(id, attempt)))),
    scheduleRetry: (id, nextAttemptAt, attempt) =>
      group.run(() => changed(retry.run({ ...bind(id, attempt), next: nextAttemptAt }))),
    markDead: (id, attempt) => group.run(() => changed(dead.run(bind(id, attempt)))),
    markUnconfirmed: (id, attempt) => group.run(() => changed(unconfirmed.run(bind(id, attempt)))),
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
