import { supersedeSet, toSupersede } from '../superseded-starts.js';
import { DB_NOW_MS, type Queryable } from './db.js';

/**
 * SQL, `$1` the time it is done: supersedes every billing start whose SKU's end is queued
 * (store/superseded-starts). Rows another instance is claiming or superseding right now
 * are left to it: a start it claims is in flight, and the end waits for it. Leases are on
 * the database's clock.
 */
export const SUPERSEDE = `UPDATE relays SET ${supersedeSet('$1')}
  WHERE id IN (SELECT id FROM relays WHERE ${toSupersede(DB_NOW_MS)} FOR UPDATE SKIP LOCKED)`;

/**
 * Supersedes every billing start whose SKU's end is queued (store/superseded-starts);
 * resolves with how many it changed. Run inside the caller's transaction.
 */
export async function supersedeStarts(client: Queryable, now: number): Promise<number> {
  return (await client.query(SUPERSEDE, [now])).rowCount ?? 0;
}
