import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

// The PostgreSQL side of the e2e tests: the run's cluster (support/pg-global-setup.ts sets
// CLM_TEST_PG_URL), a database of its own for each test, and reads of the store's rows
// beside the running collectors, through Debian's psql (the postgresql package the tests
// install; no Node driver in this package).

const run = promisify(execFile);

/** The superuser URL of the run's cluster (the maintenance database). */
export function pgAdminUrl(): string {
  const url = process.env.CLM_TEST_PG_URL;
  if (!url) {
    throw new Error(
      'CLM_TEST_PG_URL is not set: the global setup (support/pg-global-setup.ts, in ' +
        'playwright.config.ts) starts a throwaway cluster and sets it; run the specs through it',
    );
  }
  return url;
}

/** Debian's newest psql (`/usr/lib/postgresql/<version>/bin/psql`), else `psql` on PATH. */
function psqlPath(): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const newest = readdirSync(root)
      .filter((name) => /^\d+(\.\d+)?$/.test(name) && existsSync(join(root, name, 'bin/psql')))
      .sort((a, b) => Number(b) - Number(a))[0];
    if (newest !== undefined) return join(root, newest, 'bin/psql');
  }
  return 'psql';
}

/**
 * Runs SQL on `url` and resolves with its rows, each a list of column texts (psql's
 * unaligned, tuples-only output; NULL is the empty string). Stops at the first error.
 */
export async function sql(url: string, query: string): Promise<string[][]> {
  const { stdout } = await run(
    psqlPath(),
    ['-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', query],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t'));
}

/** A database of its own on the run's cluster. */
export interface Database {
  name: string;
  /** Its URL, for `CLM_DB`: the cluster's superuser, this database. */
  url: string;
  /** Drops it, closing the connections still open (the collectors must be stopped). */
  drop: () => Promise<void>;
}

/** Creates an empty database on the run's cluster, named `clm_e2e_<random>`. */
export async function createDatabase(): Promise<Database> {
  const admin = pgAdminUrl();
  const name = `clm_e2e_${randomBytes(6).toString('hex')}`;
  await sql(admin, `CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.href,
    drop: async () => {
      await sql(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** One relay row of the store, as support/db.ts reads them from SQLite. */
export interface PgRelayRow {
  kind: string;
  customer_id: string;
  status: string;
  attempts: number;
}

/** The store's relays (every kind), oldest first. */
export async function readPgRelays(url: string): Promise<PgRelayRow[]> {
  const rows = await sql(url, 'SELECT kind, customer_id, status, attempts FROM relays ORDER BY id');
  return rows.map(([kind = '', customer_id = '', status = '', attempts = '0']) => ({
    kind,
    customer_id,
    status,
    attempts: Number(attempts),
  }));
}
