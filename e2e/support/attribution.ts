import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { e2eBeacon } from './beacons.js';

/** A SaasTracking relay as stored, with where it came from. */
export interface TrackingRow {
  customer_id: string;
  status: string;
  purchased_at: string;
  /** `beacon` or `api`; undefined on a collector that does not record it. */
  source: string | undefined;
}

/** One stored purchase: its customer and the referral it carried, if any. */
export interface PurchaseEvent {
  customer_id: string;
  referral: { id: string; at: number; utm?: Record<string, string> } | null;
}

const read = <T>(dbPath: string, sql: string): T[] => {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
};

/** The collector's SaasTracking relays (read-only, beside the running process). */
export function readTrackings(dbPath: string): TrackingRow[] {
  // `*`: a collector without the source column must still be readable (it shows undefined).
  return read<TrackingRow>(
    dbPath,
    `SELECT * FROM relays WHERE kind = 'saas_tracking' ORDER BY id`,
  ).map(({ customer_id, status, purchased_at, source }) => ({
    customer_id,
    status,
    purchased_at,
    source,
  }));
}

/** The stored purchase events, oldest first, their referral parsed. */
export function readPurchaseEvents(dbPath: string): PurchaseEvent[] {
  return read<{ customer_id: string; referral: string | null }>(
    dbPath,
    `SELECT customer_id, referral FROM events WHERE type = 'purchase' ORDER BY received_at, id`,
  ).map((row) => ({
    customer_id: row.customer_id,
    referral: row.referral === null ? null : JSON.parse(row.referral),
  }));
}

/**
 * A purchase beacon as anyone can write one: the pixel's JSON with a chosen customer, event
 * id and referral. Nothing in it is secret; that is the point of the tests using it.
 */
export function purchaseBeacon(
  customerId: string,
  id: string,
  ref: unknown = { id: 'R-forged', at: Date.now(), utm: {} },
  key = 'PK-123',
): string {
  return e2eBeacon({ customerId, id, ref, key });
}

/** A page on another origin (127.0.0.1, random port) serving `html` at every path. */
export async function startHostileSite(
  html: () => string,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html());
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    // `localhost`, not 127.0.0.1: another site than the provider's, not just another port.
    url: `http://localhost:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The provider's backend reporting a purchase: `POST /api/purchases` with its token. */
export async function reportPurchase(
  collectorUrl: string,
  token: string,
  body: Record<string, unknown>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${collectorUrl}/api/purchases`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
