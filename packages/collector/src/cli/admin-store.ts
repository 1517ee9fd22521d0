import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { loadDbPath } from '../config.js';
import { silentLogger } from '../log.js';
import { openSqliteStore } from '../store/sqlite.js';
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

/**
 * Runs `work` on the store at `$CLM_DB` and closes it. Refuses (usage error) when the file
 * does not exist rather than creating an empty one, and never touches in_flight relays:
 * a collector running on the same file may be sending them.
 */
export async function withAdminStore<T>(
  io: CliIo,
  work: (store: Store, path: string) => Promise<T>,
): Promise<T> {
  const path = loadDbPath(io.env);
  if (!isFile(path)) throw new UsageError(`no collector database at ${path} (set CLM_DB)`);
  checkIsCollectorDb(path);
  const store = await openSqliteStore({ path, logger: silentLogger, releaseInterrupted: false });
  try {
    return await work(store, path);
  } finally {
    await store.close();
  }
}
