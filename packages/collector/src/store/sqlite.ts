import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { type Clock, systemClock } from '../clock.js';
import type { Logger } from '../log.js';
import { plural } from '../plural.js';
import { createGroupCommit } from './group-commit.js';
import { migrations } from './migrations.js';
import { createOwnerOnly, openToOthers } from './owner-only.js';
import { INTERRUPTED_REPORT_ERROR } from './relay-states.js';
import { NewerSchemaError } from './schema-version.js';
import { sqliteAdminReads } from './sqlite/admin-reads.js';
import { sqliteIngest } from './sqlite/ingest.js';
import { sqliteOrders } from './sqlite/orders.js';
import { sqliteOutbox } from './sqlite/outbox.js';
import { sqliteUsage } from './sqlite/usage.js';
import type { Store } from './types.js';
import { takeWriterLock } from './writer-lock.js';

// SQLite's own messages ("unable to open database file") name neither the file nor the
// likely cause, typically a Docker volume the service user cannot write.
function openFile(path: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(path);
    // WAL + FULL: a commit is on disk when the beacon's 2xx goes out, and readers never block.
    db.pragma('journal_mode = WAL');
    return db;
  } catch (error) {
    db?.close();
    const code = (error as { code?: string }).code;
    const uid = process.getuid?.();
    const hint =
      code === 'SQLITE_CANTOPEN' && uid !== undefined
        ? `; it must be a file that uid ${uid} can read and write, in a directory it can write`
        : '';
    throw new Error(
      `cannot open the database ${path} (CLM_DB): ${(error as Error).message}${hint}`,
      { cause: error },
    );
  }
}

/** The page cache a connection keeps, in KiB (`PRAGMA cache_size` takes it negated). */
const PAGE_CACHE_KIB = 2000;

/**
 * Durable commits, a wait on a locked file, and a small page cache. better-sqlite3's build
 * keeps up to 16 MB of pages per connection (SQLite's own default is 2 MB); a relay drain
 * reads the relays table once through and filled it with pages it never read again. With
 * 2 MB the 100,000 drain's peak RSS fell from 191 to 164 MB (medians of 5 alternated runs)
 * at no cost to ingest the runs could see (docs/benchmarks.md, "Memory (issue 24, second
 * pass)").
 */
function applyConnectionSettings(db: Database.Database): void {
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
}

// A new database is created 0600. An existing one keeps its mode, which its owner may have
// chosen (a backup group); one that others can read is warned about at every start.
function privateFile(path: string, logger: Logger): void {
  createOwnerOnly(path);
  const mode = openToOthers(path);
  if (mode !== null)
    logger.warn(
      'store',
      `the database ${path} is open to other users (mode ${mode}): it holds customer ids; ` +
        'chmod 600 it and its -wal and -shm files (the collector leaves an existing file as it is)',
    );
}

function migrate(db: Database.Database, logger: Logger): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) throw new NewerSchemaError(current, migrations.length);
  for (let version = current; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version] as string);
      db.pragma(`user_version = ${version + 1}`);
    })();
    logger.info('store', `migrated schema to version ${version + 1}`);
  }
}

/**
 * Opens (creating the file, its directory and the schema if needed) the SQLite store.
 * Relays left in_flight by a previous process are returned to pending: that process can
 * no longer be sending them, which the writer lock guarantees (a second collector on the
 * file is refused with a {@link DatabaseInUseError}). Admin tools that open the file beside
 * a running collector pass `releaseInterrupted: false`: no lock, and in-flight relays are
 * left to the collector sending them.
 */
export async function openSqliteStore(options: {
  path: string;
  logger: Logger;
  clock?: Clock;
  /** Return in_flight relays to pending on open. Default true (a restarting collector). */
  releaseInterrupted?: boolean;
}): Promise<Store> {
  const { path, logger, clock = systemClock, releaseInterrupted = true } = options;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const lock = releaseInterrupted && path !== ':memory:' ? takeWriterLock(path) : null;
  let db: Database.Database | undefined;
  try {
    if (path !== ':memory:') privateFile(path, logger);
    db = openFile(path);
    applyConnectionSettings(db);
    migrate(db, logger);
  } catch (error) {
    db?.close();
    lock?.release();
    throw error;
  }

  if (releaseInterrupted) {
    const now = clock.now();
    // A relay sent at most once (a usage report) that was being sent may have been billed:
    // never send it again by itself (the operator confirms or resends it). `updated_at`
    // stays the claim's, when it was sent: a confirm dates its delivery so.
    const unsure = db
      .prepare(
        `UPDATE relays SET status = 'unconfirmed', lease_until = NULL, last_error = @error
         WHERE status = 'in_flight' AND at_most_once = 1`,
      )
      .run({ error: INTERRUPTED_REPORT_ERROR }).changes;
    if (unsure > 0)
      logger.warn(
        'store',
        `${plural(unsure, 'usage report')} interrupted while sending ${unsure === 1 ? 'is' : 'are'} unconfirmed`,
      );
    const released = db
      .prepare(
        `UPDATE relays SET status = 'pending', lease_until = NULL, next_attempt_at = @now, updated_at = @now
         WHERE status = 'in_flight'`,
      )
      .run({ now }).changes;
    if (released > 0)
      logger.warn('store', `returned ${plural(released, 'interrupted relay')} to pending`);
  }

  const select1 = db.prepare('SELECT 1');
  // Every call goes through the group commit, so calls take effect in the order made.
  const group = createGroupCommit(db);

  return {
    ...sqliteIngest(db, group),
    ...sqliteOutbox(db, group, clock),
    ...sqliteOrders(db, group),
    ...sqliteUsage(db, group),
    ...sqliteAdminReads(db, group),
    ping: () => group.run(() => void select1.get()),
    async close() {
      if (!db.open) return;
      group.flush();
      db.close();
      lock?.release();
    },
  };
}
