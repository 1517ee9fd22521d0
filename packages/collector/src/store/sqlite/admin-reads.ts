import type Database from 'better-sqlite3';
import type { AdminStore } from '../admin-reads.js';
import type { GroupCommit } from '../group-commit.js';
import { sqliteRelayActions } from './admin-actions.js';
import { sqliteRelayReads } from './admin-relays.js';
import { sqliteEventStats } from './admin-stats.js';

/**
 * {@link AdminStore} on SQLite, by what its methods do: reading relays, counting events,
 * and an operator's actions on dead relays. Every statement is prepared here, at open, once.
 */
export function sqliteAdminReads(db: Database.Database, group: GroupCommit): AdminStore {
  return {
    ...sqliteRelayReads(db, group),
    ...sqliteEventStats(db, group),
    ...sqliteRelayActions(db, group),
  };
}
