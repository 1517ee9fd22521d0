import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { silentLogger } from '../log.js';
import { migrations } from '../store/migrations.js';
import { migratePostgres, postgresMigrations } from '../store/postgres/migrations.js';
import { tempDir } from './tmp.js';

/**
 * A SQLite file as a collector of schema `version` left it, with `sql` (its rows) run on
 * it; returns its path. Opening a store on it migrates it from there.
 */
export function sqliteAtVersion(version: number, sql: string): string {
  const path = join(tempDir(), 'c.sqlite');
  const db = new Database(path);
  for (const migration of migrations.slice(0, version)) db.exec(migration);
  db.pragma(`user_version = ${version}`);
  db.exec(sql);
  db.close();
  return path;
}

/** The PostgreSQL database at `url` brought to schema `version`, then `sql` run on it. */
export async function postgresAtVersion(url: string, version: number, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await migratePostgres(client, silentLogger, postgresMigrations.slice(0, version));
    await client.query(sql);
  } finally {
    await client.end();
  }
}
