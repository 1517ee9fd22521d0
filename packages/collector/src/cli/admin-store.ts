import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { loadDbPath } from '../config.js';
import { silentLogger } from '../log.js';
import { isPostgresUrl, redactDbUrl } from '../store/db-location.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/types.js';
import { type CliIo, UsageError } from './io.js';

/** Whether `path` is an existing file. */
export const isFile = (path: string) =>
  statSync(path, { throwIfNoEntry: false })?.isFile() === true;

// Opening the store migrates: a CLM_DB pointing at another file must not get our schema.
function checkIsCollectorDb(path: string): void {
  let version: number;
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      version = db.pragma('user_version', { simple: true }) as number;
    } finally {
      db.close();
    }
  } catch (error) {
    if ((error as { code?: string }).code !== 'SQLITE_NOTADB') throw error;
    throw new UsageError(`${path} is not a collector database (not SQLite; check CLM_DB)`);
  }
  if (version === 0)
    throw new UsageError(`${path} is not a collector database (no schema; check CLM_DB)`);
}

/** Whether `$CLM_DB` names a database that exists to look in (a PostgreSQL URL, or a file). */
export const dbExists = (db: string) => isPostgresUrl(db) || isFile(db);

/**
 * Runs `work` on the store at `$CLM_DB` and closes it; `work` is told where that is, as it
 * may be shown (a SQLite file's absolute path, a PostgreSQL URL without its password). Never touches in_flight relays: a
 * collector running on the same database may be sending them. A SQLite file that does not
 * exist is refused (usage error) rather than created empty; a PostgreSQL database is
 * opened as a collector opens it (its schema brought up to date).
 */
export async function withAdminStore<T>(
  io: CliIo,
  work: (store: Store, path: string) => Promise<T>,
): Promise<T> {
  const db = loadDbPath(io.env);
  if (!isPostgresUrl(db)) {
    if (!isFile(db)) throw new UsageError(`no collector database at ${db} (set CLM_DB)`);
    checkIsCollectorDb(db);
  }
  const store = await openStore({ db, logger: silentLogger, releaseInterrupted: false });
  try {
    return await work(store, isPostgresUrl(db) ? redactDbUrl(db) : resolve(db));
  } finally {
    await store.close();
  }
}
