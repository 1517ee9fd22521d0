import type pg from 'pg';
import { type Clock, systemClock } from '../clock.js';
import type { Logger } from '../log.js';
import { plural } from '../plural.js';
import { redactDbUrl } from './db-location.js';
import { postgresAdminReads } from './postgres/admin-reads.js';
import { createPool, inTransaction } from './postgres/db.js';
import { postgresIngest } from './postgres/ingest.js';
import { migratePostgres } from './postgres/migrations.js';
import { postgresOrders } from './postgres/orders.js';
import { postgresOutbox, settleExpiredReports } from './postgres/outbox.js';
import { postgresUsage } from './postgres/usage.js';
import type { Store } from './types.js';

/** Connections a PostgreSQL store opens at most, unless told (`CLM_DB_POOL_SIZE`). */
export const DEFAULT_POOL_SIZE = 10;

async function connect(pool: pg.Pool, url: string, logger: Logger): Promise<void> {
  const client = await pool.connect().catch((error: Error) => {
    throw new Error(`cannot open the database ${redactDbUrl(url)} (CLM_DB): ${error.message}`, {
      cause: error,
    });
  });
  let lost: Error | undefined;
  const onLost = (error: Error) => {
    lost = error;
  };
  client.on('error', onLost);
  try {
    await migratePostgres(client, logger);
  } finally {
    client.off('error', onLost);
    client.release(lost);
  }
}

/**
 * Opens the PostgreSQL store at `url` (a `postgres://` or `postgresql://` connection
 * string), migrating the schema if needed; refuses a schema newer than this collector.
 * Several collectors may serve one database: claims never overlap, and a relay left in
 * flight by an instance that stopped is due again once its lease expires (a usage report
 * then becomes unconfirmed instead: it may have been billed). Nothing is released on open,
 * since another instance may be sending it; with `releaseInterrupted` (the default, a
 * serving collector) usage reports whose lease has already expired are settled at once.
 * Admin tools pass `releaseInterrupted: false` and change nothing on open but the schema.
 */
export async function openPostgresStore(options: {
  url: string;
  logger: Logger;
  clock?: Clock;
  /** At most this many connections. Default {@link DEFAULT_POOL_SIZE}. */
  poolSize?: number;
  /** Settle expired usage-report leases on open. Default true (a serving collector). */
  releaseInterrupted?: boolean;
}): Promise<Store> {
  const { url, logger, clock = systemClock, releaseInterrupted = true } = options;
  const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
  const pool = createPool(url, poolSize);
  // An idle connection that breaks (a server restart) is dropped from the pool and replaced
  // on next use; without a listener the error would end the process.
  pool.on('error', (error) => logger.warn('store', `database connection lost: ${error.message}`));
  try {
    await connect(pool, url, logger);
    if (releaseInterrupted) {
      const unsure = await inTransaction(pool, settleExpiredReports);
      if (unsure > 0)
        logger.warn(
          'store',
          `${plural(unsure, 'usage report')} interrupted while sending ${unsure === 1 ? 'is' : 'are'} unconfirmed`,
        );
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  logger.info('store', `PostgreSQL store at ${redactDbUrl(url)}`);

  const calls = trackCalls({
    // Beacon batches take at most half the pool, delivered relays' at most a quarter: the
    // rest is for claims, the API and the admin pages.
    ...postgresIngest(pool, { batches: Math.max(1, Math.floor(poolSize / 2)) }),
    ...postgresOutbox(pool, clock, { batches: Math.max(1, Math.floor(poolSize / 4)) }),
    ...postgresOrders(pool),
    ...postgresUsage(pool),
    ...postgresAdminReads(pool),
    ping: async () => {
      await pool.query('SELECT 1');
    },
  });
  let closed: Promise<void> | undefined;
  return {
    ...calls.methods,
    close() {
      closed ??= calls.drain().then(() => pool.end());
      return closed;
    },
  };
}

type AsyncMethods = Record<string, (...args: never[]) => Promise<unknown>>;

/**
 * Wraps every method so that {@link drain} can wait for the calls in progress: a call made
 * before the store closes still commits (the pool would drop a call waiting for a
 * connection when it ends). Once draining, new calls are refused.
 */
function trackCalls<T extends AsyncMethods>(methods: T): { methods: T; drain(): Promise<void> } {
  const active = new Set<Promise<unknown>>();
  let draining = false;
  const wrapped = Object.fromEntries(
    Object.entries(methods).map(([name, method]) => [
      name,
      (...args: never[]) => {
        if (draining) return Promise.reject(new Error('the PostgreSQL store is closed'));
        const call = method(...args);
        active.add(call);
        const settled = () => active.delete(call);
        call.then(settled, settled);
        return call;
      },
    ]),
  ) as T;
  return {
    methods: wrapped,
    async drain() {
      draining = true;
      await Promise.allSettled([...active]);
    },
  };
}
