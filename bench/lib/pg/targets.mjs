// The PostgreSQL bench's targets: SQLite and the two PostgreSQL clusters, a fresh store
// for each use.
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import pg from 'pg';
import { startPgCluster } from '../../../scripts/pg-cluster.mjs';
import { onCleanup, workDir } from './setup.mjs';

// ---------------------------------------------------------------------------------------
// Targets and their stores: a fresh SQLite file or PostgreSQL database for each use.

/**
 * @typedef {object} Target
 * @property {'sqlite' | 'pg' | 'pg-durable'} id
 * @property {string} label
 * @property {'fast' | 'durable' | null} cluster Which PostgreSQL cluster, if any.
 */

/** @type {Target[]} */
export const TARGETS = [
  { id: 'sqlite', label: 'SQLite (WAL, synchronous=FULL)', cluster: null },
  { id: 'pg', label: 'PostgreSQL, fsync off (pg-cluster.mjs as is)', cluster: 'fast' },
  { id: 'pg-durable', label: 'PostgreSQL, fsync on (durable settings)', cluster: 'durable' },
];

/**
 * A throwaway cluster from scripts/pg-cluster.mjs with its superuser client on the
 * maintenance database: new databases, settings, reads.
 * @param {string} name
 */
export async function startPostgres(name) {
  const cluster = await startPgCluster({ log: (message) => console.log(`${message} (${name})`) });
  onCleanup(() => cluster.stop());
  const admin = new pg.Client({ connectionString: cluster.url });
  // The cluster may go first when the run is stopped (its own signal handler stops it):
  // a connection ended by the server must not end this process before its cleanup.
  admin.on('error', (error) => console.error(`[pg-bench] admin connection: ${error.message}`));
  await admin.connect();
  onCleanup(() => admin.end());
  const postmaster = Number(
    readFileSync(join(cluster.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0],
  );
  const version = String((await admin.query('SHOW server_version')).rows[0]?.server_version);
  let databases = 0;
  /**
   * A client on one database, for one piece of work.
   * @template T
   * @param {string} url
   * @param {(client: pg.Client) => Promise<T>} work
   */
  const withClient = async (url, work) => {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => {});
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  /** What the server runs with, asked on a new connection (a reload applies to new ones). */
  const settings = () =>
    withClient(cluster.url, async (client) => {
      const { rows } = await client.query(
        `SELECT name, setting FROM pg_settings
         WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method',
                        'shared_buffers', 'max_connections')`,
      );
      return /** @type {Record<string, string>} */ (
        Object.fromEntries(rows.map((row) => [row.name, row.setting]))
      );
    });
  return {
    postmaster,
    version,
    settings,
    /** A new, empty database; its URL. */
    async createDatabase(/** @type {string} */ prefix) {
      const database = `${prefix}_${++databases}`;
      await admin.query(`CREATE DATABASE ${database}`);
      const url = new URL(cluster.url);
      url.pathname = `/${database}`;
      return url.toString();
    },
    /**
     * Makes the cluster durable: fsync, synchronous_commit and full_page_writes on
     * (ALTER SYSTEM, then a reload), and waits until a new connection sees them.
     */
    async makeDurable() {
      await admin.query('ALTER SYSTEM SET fsync = on');
      await admin.query('ALTER SYSTEM SET synchronous_commit = on');
      await admin.query('ALTER SYSTEM SET full_page_writes = on');
      await admin.query('SELECT pg_reload_conf()');
      const deadline = Date.now() + 10_000;
      for (;;) {
        const now = await settings();
        if (['fsync', 'synchronous_commit', 'full_page_writes'].every((k) => now[k] === 'on')) {
          // What was written without fsync so far goes to disk now, not in a measured run.
          await admin.query('CHECKPOINT');
          return now;
        }
        if (Date.now() > deadline)
          throw new Error(`PostgreSQL settings not durable: ${JSON.stringify(now)}`);
        await sleep(100);
      }
    },
    async checkpoint() {
      await admin.query('CHECKPOINT');
    },
    /**
     * The purchase event ids and the relay counts per status of a database.
     * @param {string} url
     */
    read: (url) =>
      withClient(url, async (client) => {
        const events = await client.query("SELECT id FROM events WHERE type = 'purchase'");
        const relays = await client.query(
          'SELECT status, COUNT(*)::int AS n FROM relays GROUP BY status',
        );
        return {
          ids: new Set(events.rows.map((row) => String(row.id))),
          relays: Object.fromEntries(relays.rows.map((row) => [row.status, Number(row.n)])),
        };
      }),
  };
}

/** @typedef {Awaited<ReturnType<typeof startPostgres>>} Postgres */
/** @typedef {{ fast: Postgres, durable: Postgres }} Clusters */

/**
 * Purchase event ids and relay counts of a SQLite file (its collector stopped).
 * @param {string} path
 */
function readSqlite(path) {
  const db = new Database(path, { readonly: true });
  try {
    const ids = new Set(
      db.prepare("SELECT id FROM events WHERE type = 'purchase'").pluck().all().map(String),
    );
    const relays = Object.fromEntries(
      db
        .prepare('SELECT status, COUNT(*) AS n FROM relays GROUP BY status')
        .raw()
        .all()
        .map(([status, n]) => [String(status), Number(n)]),
    );
    return { ids, relays };
  } finally {
    db.close();
  }
}

/**
 * A fresh store for a target: its `CLM_DB`, how to read it back, and the postmaster whose
 * CPU is the database's.
 * @param {Target} target
 * @param {Clusters} clusters
 * @param {string} use
 */
export async function freshStore(target, clusters, use) {
  if (target.cluster === null) {
    const db = join(mkdtempSync(join(workDir, `${use}-`)), 'collector.sqlite');
    return { db, read: async () => readSqlite(db), postgres: undefined };
  }
  const postgres = clusters[target.cluster];
  const db = await postgres.createDatabase(`${use}_${target.id.replace('-', '_')}`);
  return { db, read: () => postgres.read(db), postgres };
}
