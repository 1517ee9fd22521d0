import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

/** A database of a test file's own, on the cluster `CLM_TEST_PG_URL` names. */
export interface TestDatabase {
  /** Connection string of the new database (the maintenance URL's user and host). */
  url: string;
  /** Drops it, closing whatever is still connected. */
  drop(): Promise<void>;
}

/** Why the PostgreSQL tests cannot run, said instead of skipping them. */
export const NO_TEST_DATABASE =
  'the PostgreSQL store tests need a database: set CLM_TEST_PG_URL to a superuser ' +
  'connection string of a maintenance database (e.g. postgres://postgres@127.0.0.1:5432/postgres), ' +
  'or run `node scripts/test-setup.mjs`, then `pnpm test:unit`, which starts a throwaway cluster';

/** The maintenance database's URL, or an error saying how to get one. */
export function testClusterUrl(): string {
  const url = process.env.CLM_TEST_PG_URL;
  if (!url) throw new Error(NO_TEST_DATABASE);
  return url;
}

/**
 * Creates `clm_test_<random>` on the cluster of `CLM_TEST_PG_URL`, so that test files can
 * run in parallel, each on a database of its own. Fails (never skips) without the variable.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = testClusterUrl();
  const name = `clm_test_${randomBytes(6).toString('hex')}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** Runs `sql` on `url` over a connection of its own (seeding and inspecting in tests). */
export async function queryDatabase<R extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * A database for the test file: created before its tests, dropped after them. Resolves
 * its URL (call inside a test).
 */
export function databasePerFile(): () => string {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });
  return () => {
    if (!database) throw new Error('no test database');
    return database.url;
  };
}
