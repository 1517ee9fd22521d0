import type Database from 'better-sqlite3';
import { supersedeSet, toSupersede } from '../superseded-starts.js';

/**
 * Prepares the statement that supersedes every billing start whose SKU's end is queued
 * (store/superseded-starts); returns how many it changed. Run inside a transaction.
 */
export function prepareSupersedeStarts(db: Database.Database): (now: number) => number {
  // Named, since the planner would otherwise walk every start ever queued.
  const supersede = db.prepare(
    `UPDATE relays INDEXED BY relays_open_supersedable SET ${supersedeSet('@now')}
     WHERE ${toSupersede('@now')}`,
  );
  return (now) => supersede.run({ now }).changes;
}
