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

/** One `/saas-usage/` report the collector queued, as stored. */
export interface UsageReportRow {
  id: number;
  order_id: string;
  sku: string;
  period: string;
  status: string;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  /** The marketplace's answer, kept. */
  last_body: string | null;
  late: number;
  created_at: number;
  delivered_at: number | null;
}

/** Reads the collector's usage reports (read-only, beside the running process). */
export function readUsageReports(dbPath: string): UsageReportRow[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        `SELECT id, order_id, sku, period, status, attempts, last_status, last_error, last_body,
           late, created_at, delivered_at
         FROM relays WHERE kind = 'usage_report' ORDER BY id`,
      )
      .all() as UsageReportRow[];
  } finally {
    db.close();
  }
}
