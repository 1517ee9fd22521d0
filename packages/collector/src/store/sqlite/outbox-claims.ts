import type Database from 'better-sqlite3';
import type { GroupCommit } from '../group-commit.js';
import type { OutboxStore } from '../outbox.js';
import { SKU_ORDER } from '../superseded-starts.js';
import { takeReplacement } from './outbox-replacement.js';
import { type RelayRow, toRelay } from './relay-rows.js';
import { prepareSupersedeStarts } from './supersede.js';

/** Claiming due relays, with a lease, on SQLite. */
export function sqliteRelayClaims(
  db: Database.Database,
  group: GroupCommit,
): Pick<OutboxStore, 'claimDueRelays'> {
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
  };
}
