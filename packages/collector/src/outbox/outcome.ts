import type { Logger } from '../log.js';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';
import type { AttemptRecord, OutboxStore } from '../store/outbox.js';
import type { RelayKindSpec } from './kind.js';
import type { OnrampResult } from './onramp-client.js';
import { type RetryPolicy, truncateBody } from './policy.js';
import { describeRelay, type Task } from './task.js';

/** What {@link recordOutcome} writes with. */
export interface OutcomeDeps {
  store: OutboxStore;
  logger: Logger;
  metrics?: Pick<CollectorMetrics, 'relayAttempt'> | undefined;
  policy: RetryPolicy;
  random: () => number;
  /** The first wait before writing a refused outcome again, ms. */
  pollMs: number;
}

/**
 * Writes what became of a relay after its call (`result`, `seconds` long): dead at once
 * when it could not be sent (`result` a reason), else as its kind decides.
 */
export async function recordOutcome(
  deps: OutcomeDeps,
  task: Task,
  spec: RelayKindSpec<unknown> | undefined,
  sent: { result: OnrampResult | string; seconds: number; now: number },
): Promise<void> {
  const { store, logger, metrics } = deps;
  const { relay } = task;
  const { result, now } = sent;
  if (typeof result === 'string' || !spec) {
    const error = typeof result === 'string' ? result : `unknown relay kind ${relay.kind}`;
    const attempt = { claim: relay.attempts, at: now, status: null, body: null, error };
    await persist(deps, task, () => store.markDead(relay.id, attempt));
    metrics?.relayAttempt('dead', undefined, relay.kind);
    logger.error('relay', `dead-lettered ${describeRelay(relay)}: ${error}`);
    return;
  }
  const ageMs = now - (relay.replayedAt ?? relay.createdAt);
  const lateFrom = spec.lateFrom?.(relay) ?? null;
  const { random, policy } = deps;
  const decision = spec.decide({ result, attempts: relay.attempts, ageMs, now, random }, policy);
  const attempt: AttemptRecord = {
    claim: relay.attempts,
    at: now,
    status: result.type === 'response' ? result.status : null,
    body: result.type === 'response' ? truncateBody(result.body) : null,
    error: decision.action === 'delivered' ? null : decision.reason,
    ...(decision.action === 'delivered' && lateFrom !== null && { lateFrom }),
  };
  metrics?.relayAttempt(decision.action, sent.seconds, relay.kind);
  const write = (mark: () => Promise<boolean>) => persist(deps, task, mark);
  if (decision.action === 'delivered') {
    await write(() => store.markDelivered(relay.id, attempt));
    logger.info('relay', `delivered ${describeRelay(relay)}: HTTP ${attempt.status}`);
  } else if (decision.action === 'retry') {
    await write(() => store.scheduleRetry(relay.id, decision.at, attempt));
    const wait = ((decision.at - now) / 1000).toFixed(1);
    logger.warn('relay', `${describeRelay(relay)} failed: ${decision.reason}; retry in ${wait} s`);
  } else if (decision.action === 'unconfirmed') {
    await write(() => store.markUnconfirmed(relay.id, attempt));
    logger.error(
      'relay',
      `${describeRelay(relay)} unconfirmed: ${decision.reason}; confirm or resend it`,
    );
  } else {
    await write(() => store.markDead(relay.id, attempt));
    logger.error('relay', `dead-lettered ${describeRelay(relay)}: ${decision.reason}`);
  }
}

// An outcome the store refuses (disk full, read-only) is kept and written again until it
// sticks: leaving the row in_flight would re-send a call the onramp already accepted.
// Written under the claim it was sent with: if the row is no longer in flight under it
// (its lease expired and it was claimed again), this outcome must not overwrite that one.
async function persist(
  deps: OutcomeDeps,
  task: Task,
  write: () => Promise<boolean>,
): Promise<void> {
  const { logger } = deps;
  for (let delay = deps.pollMs; ; delay = Math.min(delay * 2, 1000)) {
    try {
      if (!(await write())) {
        logger.warn(
          'relay',
          `${describeRelay(task.relay)}: outcome not recorded, the relay is no longer in flight under this attempt`,
        );
      }
      return;
    } catch (error) {
      if (task.abandoned) throw error;
      logger.error(
        'relay',
        `recording ${describeRelay(task.relay)} failed, retrying: ${String(error)}`,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
