import type Database from 'better-sqlite3';
import type { Clock } from '../../clock.js';
import type { GroupCommit } from '../group-commit.js';
import type { OutboxStore } from '../outbox.js';
import { sqliteRelayClaims } from './outbox-claims.js';
import { sqliteRelayLeases } from './outbox-leases.js';
import { sqliteRelayOutcomes } from './outbox-outcomes.js';

/**
 * {@link OutboxStore} on SQLite: claims with leases, outcomes only under the claim sent
 * with; by what its methods do (claiming, outcomes, leases), every statement prepared
 * here, at open, once.
 */
export function sqliteOutbox(db: Database.Database, group: GroupCommit, clock: Clock): OutboxStore {
  return {
    ...sqliteRelayClaims(db, group),
    ...sqliteRelayOutcomes(db, group),
    ...sqliteRelayLeases(db, group, clock),
  };
}
