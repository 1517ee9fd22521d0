import Database from 'better-sqlite3';

export interface RelayRow {
  customer_id: string;
  status: string;
  attempts: number;
  last_status: number | null;
}

/** Reads the collector's relays from its SQLite file (read-only, beside the running process). */
export function readRelays(dbPath: string): RelayRow[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare('SELECT customer_id, status, attempts, last_status FROM relays ORDER BY id')
      .all() as RelayRow[];
  } finally {
    db.close();
  }
}

/** Counts the stored beacons of each type. */
export function countEvents(dbPath: string): Record<string, number> {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT type, COUNT(*) AS n FROM events GROUP BY type').all() as {
      type: string;
      n: number;
    }[];
    return Object.fromEntries(rows.map((row) => [row.type, row.n]));
  } finally {
    db.close();
  }
}
