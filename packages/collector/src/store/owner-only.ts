import { closeSync, openSync, statSync } from 'node:fs';

/**
 * Creates `path` empty, readable and writable by its owner only (0600), unless it exists.
 * SQLite opens an empty file as an empty database and gives its -wal and -shm files the
 * database file's mode, so the data never sits in a file others can read, whatever the
 * umask. A failure is left to SQLite to report, with the hint the store adds to it.
 */
export function createOwnerOnly(path: string): void {
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch {
    // EEXIST: an existing file keeps its mode (see openSqliteStore). Others: SQLite says.
  }
}

/** The file's mode as `0644` when other users may read or write it, else null. */
export function openToOthers(path: string): string | null {
  const mode = statSync(path, { throwIfNoEntry: false })?.mode;
  if (mode === undefined || (mode & 0o077) === 0) return null;
  return `0${(mode & 0o777).toString(8)}`;
}
