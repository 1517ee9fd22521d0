import { plural } from '../plural.js';
import type { AdminDeps } from './deps.js';

/**
 * Sends dead-lettered relays back to pending, in one store call, and wakes the relay
 * worker: all, or those of `ids`, or with `withoutOrders` the dead purchases and those of
 * `ids` (see `AdminStore.replayDead`). Resolves with how many went back.
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
  const which = options.withoutOrders
    ? `the purchases and ${plural(ids?.length ?? 0, 'billing call')} confirmed`
    : ids
      ? `${ids.length} selected`
      : 'all';
  deps.logger.info(
    'collector',
    `admin: replayed ${plural(replayed, 'dead-lettered relay')} (${which})`,
  );
  return replayed;
}
