import { readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { createOwnerOnly } from './owner-only.js';

/** Held by the one collector serving a database file; released by `release()` or by exit. */
export interface WriterLock {
  release(): void;
}

/** Raised when another process already serves the database. */
export class DatabaseInUseError extends Error {
  override name = 'DatabaseInUseError';
}

// The system's realpath: Node's own resolves `..` as text first, so `link/..` (the parent
// of the link's target) would name the link's parent instead.
const realpath = (path: string) => realpathSync.native(path);

/**
 * The database file's one name: symlinks of the file and of its directories resolved,
 * `..` and relative paths gone, so two collectors that reach the same file by different
 * paths take the same lock. A file not created yet: its directory resolved (and a symlink
 * to it followed).
 */
export function realDatabasePath(path: string, depth = 0): string {
  try {
    return realpath(path);
  } catch {
    try {
      if (depth < 16)
        return realDatabasePath(resolve(dirname(path), readlinkSync(path)), depth + 1);
    } catch {
      // Not a symlink: the file does not exist yet.
    }
    try {
      return join(realpath(dirname(path)), basename(path));
    } catch {
      return resolve(path);
    }
  }
}

/**
 * Takes the single-writer lock of the database at `path`: an exclusive transaction held
 * open on `<real path>.lock` (see {@link realDatabasePath}). The operating system drops SQLite's file lock when the process
 * ends, however it ends, so a crashed collector never leaves a stale lock behind, and a
 * second collector on the same file is refused at once instead of sending relays the
 * first one has in flight.
 */
export function takeWriterLock(path: string): WriterLock {
  const lockPath = `${realDatabasePath(path)}.lock`;
  createOwnerOnly(lockPath);
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
