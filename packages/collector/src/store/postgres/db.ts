import pg from 'pg';

/** A pooled client or the pool itself: anything that runs one query. */
export type Queryable = Pick<pg.PoolClient, 'query'>;

/**
 * Column types as the store reads them: BIGINT (ms times, ids, counts) as a JS number,
 * which holds every such value exactly; everything else as node-postgres reads it
 * (NUMERIC as text, so exact sums are cast to text and read as bigint where they are used).
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** A pool of `size` connections to `url`, reading column types as {@link types} says. */
export function createPool(url: string, size: number): pg.Pool {
  return new pg.Pool({ connectionString: url, max: size, types });
}

/**
 * Fixed keys of the store's transaction-scoped advisory locks (`pg_advisory_xact_lock`),
 * held by every instance that shares the database.
 */
export const LOCKS = {
  /** Held while the schema is checked and migrated at open. */
  migrate: 0x636c_6d00_0001n,
  /**
   * The usage calendar: taken exclusively by a month close and a termination (each reads
   * the open usage and queues its reports), shared by every usage write, so no usage lands
   * in a period after that period's reports were read, and by every billing start, so none
   * is queued after its SKU's end.
   */
  close: 0x636c_6d00_0002n,
} as const;

/**
 * SQL: the database's time in ms since the epoch, as leases are written and compared. One
 * clock for every instance: theirs may differ by more than a lease.
 */
export const DB_NOW_MS = '(extract(epoch FROM now()) * 1000)::bigint';

// Deadlocks and serialization failures abort a transaction that did nothing wrong: it is
// run again from the start, on a fresh snapshot.
const RETRYABLE = new Set(['40P01', '40001']);
/** Tries of a transaction aborted by a deadlock or a serialization failure. */
export const MAX_TRIES = 5;

/** Whether `error` aborted a transaction that may simply be run again. */
export const isRetryable = (error: unknown): boolean =>
  RETRYABLE.has((error as { code?: string }).code ?? '');

/** How a transaction runs. */
export interface TransactionOptions {
  /** A read-only snapshot: every statement sees the same committed state. */
  readOnly?: boolean;
}

/**
 * Runs `work` in one transaction on one pooled client and resolves, after the COMMIT has
 * returned, with what it returned; on any error it rolls back and rejects. A transaction
 * aborted by a deadlock or a serialization failure is run again (so `work` must do nothing
 * outside the database that cannot be repeated).
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const begin = options.readOnly ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN';
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    // A connection lost while checked out is reported as an 'error' event (and fails the
    // query in progress, if any): without a listener it would end the process.
    let broken: Error | undefined;
    const onLost = (error: Error) => {
      broken = error;
    };
    client.on('error', onLost);
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        // The connection is unusable: the pool must not hand it out again.
        broken ??= rollbackError as Error;
      }
      if (!isRetryable(error) || attempt >= MAX_TRIES) throw error;
    } finally {
      client.off('error', onLost);
      client.release(broken);
    }
  }
}

/**
 * Sends `text`, one or more statements with no parameters, in one message (one round trip,
 * one implicit transaction), run again from the start when a deadlock or a serialization
 * failure aborted it. Resolves with each statement's result, in order.
 */
export async function queryRetried(pool: pg.Pool, text: string): Promise<pg.QueryResult[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      const results = (await pool.query(text)) as pg.QueryResult | pg.QueryResult[];
      return Array.isArray(results) ? results : [results];
    } catch (error) {
      if (!isRetryable(error) || attempt >= MAX_TRIES) throw error;
    }
  }
}

/**
 * Text PostgreSQL can store: it refuses U+0000 in TEXT, which SQLite keeps. Used for the
 * diagnostics the store keeps verbatim from elsewhere (answers, error messages); the NUL
 * becomes U+FFFD.
 */
export const storable = <T extends string | null>(text: T): T =>
  (text === null ? text : text.replaceAll('\u0000', '\uFFFD')) as T;
