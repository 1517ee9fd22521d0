import { plural } from '../plural.js';
import type { AdminDeps } from './deps.js';

/**
 * Sends dead-lettered relays (all, or those of `ids`) back to pending and wakes the relay
 * worker. Resolves with how many went back.
 */
export async function replayDeadRelays(
  deps: Pick<AdminDeps, 'store' | 'clock' | 'logger' | 'relay'>,
  ids?: readonly number[],
  options: { withoutOrders?: boolean } = {},
): Promise<number> {
  const replayed = await deps.store.replayDead({
    now: deps.clock.now(),
    ...(ids && { ids }),
    ...options,
  });
  if (replayed > 0) deps.relay?.notify();
  const which = ids ? `${ids.length} selected` : 'all';
  deps.logger.info(
    'collector',
    `admin: replayed ${plural(replayed, 'dead-lettered relay')} (${which})`,
  );
  return replayed;
}
