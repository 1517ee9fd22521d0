import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { plural } from '../plural.js';
import type { OutboxStore } from '../store/outbox.js';
import type { Task } from './task.js';

/**
 * Waits up to `graceMs` for the tasks in progress, then gives up on the rest: those still
 * sending are aborted and settled ({@link settleAbandoned}), those recording their outcome
 * stop retrying a write the store refuses (the row stays in flight, due again later).
 */
export async function stopTasks(
  tasks: readonly Task[],
  graceMs: number,
  deps: { store: OutboxStore; clock: Clock; logger: Logger },
): Promise<void> {
  if (await finishedWithin(graceMs, tasks)) return;
  const abandoned = tasks.filter((task) => task.phase === 'sending');
  for (const task of tasks) task.abandoned = true;
  for (const task of abandoned) task.controller.abort();
  await Promise.allSettled(tasks.map((task) => task.done));
  await settleAbandoned(abandoned, deps);
}

// Whether every task ends within `graceMs`.
async function finishedWithin(graceMs: number, tasks: readonly Task[]): Promise<boolean> {
  let graceTimer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<boolean>((resolve) => {
    graceTimer = setTimeout(() => resolve(false), graceMs);
  });
  const finished = Promise.allSettled(tasks.map((task) => task.done)).then(() => true);
  const done = await Promise.race([finished, graceOver]);
  clearTimeout(graceTimer);
  return done;
}

/**
 * What a stop makes of the relays it cut short while sending. The marketplace may have
 * received some of these already: calls that set state are sent again (at-least-once on
 * shutdown); one sent at most once (a usage report would bill twice) is unconfirmed, for
 * an operator.
 */
async function settleAbandoned(
  abandoned: readonly Task[],
  deps: { store: OutboxStore; clock: Clock; logger: Logger },
): Promise<void> {
  const { store, logger } = deps;
  const reports = abandoned.filter((task) => task.relay.rules.atMostOnce);
  const others = abandoned.filter((task) => !task.relay.rules.atMostOnce);
  const at = deps.clock.now();
  const error = 'stopped while sending: the marketplace may have received it';
  for (const { relay } of reports) {
    await store.markUnconfirmed(relay.id, {
      claim: relay.attempts,
      at,
      status: null,
      body: null,
      error,
    });
  }
  await store.releaseClaims(others.map((task) => task.relay.id));
  if (others.length > 0) {
    logger.warn('relay', `returned ${plural(others.length, 'unfinished relay')} to pending`);
  }
  if (reports.length > 0) {
    logger.warn(
      'relay',
      `${plural(reports.length, 'usage report')} stopped while sending ${reports.length === 1 ? 'is' : 'are'} unconfirmed`,
    );
  }
}
