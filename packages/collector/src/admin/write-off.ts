import { plural } from '../plural.js';
import type { AdminDeps } from './deps.js';

/**
 * Writes off the dead billing calls of `ids` (`store.writeOff`: kept dead, never sent, not
 * billed), together. Resolves with the ids written off; the others were no such call.
 */
export async function writeOffCalls(
  deps: Pick<AdminDeps, 'store' | 'clock' | 'logger'>,
  ids: readonly number[],
): Promise<number[]> {
  const now = deps.clock.now();
  // Made in one turn: on SQLite they commit in one transaction.
  const done = await Promise.all(ids.map((id) => deps.store.writeOff(id, now)));
  const written = ids.filter((_, i) => done[i]);
  deps.logger.info(
    'collector',
    `admin: wrote off ${plural(written.length, 'billing call')} of ${ids.length} requested`,
  );
  return written;
}
