import { supersedeSet, toSupersede } from '../superseded-starts.js';
import type { Queryable } from './db.js';

// Rows another instance is claiming or superseding right now are left to it: a start it
// claims is in flight, and the end waits for it.
const SUPERSEDE = `UPDATE relays SET ${supersedeSet('$1')}
  WHERE id IN (SELECT id FROM relays WHERE ${toSupersede('$1')} FOR UPDATE SKIP LOCKED)`;

/**
 * Supersedes every billing start whose SKU's end is queued (store/superseded-starts);
 * resolves with how many it changed. Run inside the caller's transaction.
 */
export async function supersedeStarts(client: Queryable, now: number): Promise<number> {
  return (await client.query(SUPERSEDE, [now])).rowCount ?? 0;
}
