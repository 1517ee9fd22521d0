import { statSync } from 'node:fs';
import { loadDbPath } from '../config.js';
import { silentLogger } from '../log.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/types.js';
import { type CliIo, UsageError } from './io.js';

const isFile = (path: string) => statSync(path, { throwIfNoEntry: false })?.isFile() === true;

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
  const store = await openSqliteStore({ path, logger: silentLogger, releaseInterrupted: false });
  try {
    return await work(store, path);
  } finally {
    await store.close();
  }
}
