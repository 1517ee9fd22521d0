import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { isPostgresUrl } from './db-location.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './types.js';

/** What {@link openStore} opens, and how. */
export interface OpenStoreOptions {
  /** `CLM_DB`: a `postgres://` or `postgresql://` URL, else the path of a SQLite file. */
  db: string;
  logger: Logger;
  clock?: Clock;
  /** PostgreSQL only: at most this many connections (`CLM_DB_POOL_SIZE`, default 10). */
  poolSize?: number;
  /**
   * Default true: a serving collector, which takes over what a previous process left in
   * flight (SQLite: returned to pending under the writer lock; PostgreSQL: by lease
   * expiry). Admin tools opening beside a running collector pass false.
   */
  releaseInterrupted?: boolean;
}

/**
 * Opens the store `db` names: PostgreSQL for a `postgres://` or `postgresql://` URL (any
 * number of collectors may share it), otherwise a SQLite file (one collector per file).
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const { db, logger } = options;
  const common = {
    logger,
    ...(options.clock && { clock: options.clock }),
    ...(options.releaseInterrupted !== undefined && {
      releaseInterrupted: options.releaseInterrupted,
    }),
  };
  if (isPostgresUrl(db)) {
    // Loaded only for PostgreSQL: node-postgres is a few MB of memory a SQLite collector
    // would carry for nothing.
    const { openPostgresStore } = await import('./postgres.js');
    return openPostgresStore({
      ...common,
      url: db.trim(),
      ...(options.poolSize !== undefined && { poolSize: options.poolSize }),
    });
  }
  return openSqliteStore({ ...common, path: db });
}
