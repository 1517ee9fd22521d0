import Database from 'better-sqlite3';

/** Held by the one collector serving a database file; released by `release()` or by exit. */
export interface WriterLock {
  release(): void;
}

/** Raised when another process already serves the database. */
export class DatabaseInUseError extends Error {
  override name = 'DatabaseInUseError';
}

/**
 * Takes the single-writer lock of the database at `path`: an exclusive transaction held
 * open on `<path>.lock`. The operating system drops SQLite's file lock when the process
 * ends, however it ends, so a crashed collector never leaves a stale lock behind, and a
 * second collector on the same file is refused at once instead of sending relays the
 * first one has in flight.
 */
export function takeWriterLock(path: string): WriterLock {
  const lockPath = `${path}.lock`;
  const lock = new Database(lockPath, { timeout: 0 });
  try {
    lock.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new DatabaseInUseError(
        `another collector is already serving ${path} (CLM_DB): run one collector per database file (lock: ${lockPath})`,
      );
    }
    throw error;
  }
  return {
    release() {
      if (lock.open) lock.close();
    },
  };
}
