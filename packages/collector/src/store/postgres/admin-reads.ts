import type pg from 'pg';
import type { AdminStore } from '../admin-reads.js';
import { postgresRelayActions } from './admin-actions.js';
import { postgresRelayReads } from './admin-relays.js';
import { postgresEventStats } from './admin-stats.js';

/**
 * {@link AdminStore} on PostgreSQL, by what its methods do: reading relays, counting
 * events, and an operator's actions on dead relays.
 */
export function postgresAdminReads(pool: pg.Pool): AdminStore {
  return {
    ...postgresRelayReads(pool),
    ...postgresEventStats(pool),
    ...postgresRelayActions(pool),
  };
}
