import { fingerprint, type Logger } from '../log.js';
import type { Relay } from '../store/outbox.js';

/** One relay the worker is sending, from its claim until its outcome is written. */
export interface Task {
  relay: Relay;
  controller: AbortController;
  /** `sending` until the marketplace answered (or not), then `recording`. */
  phase: 'sending' | 'recording';
  /** Given up on by a stop past its grace: its outcome is no longer written. */
  abandoned: boolean;
  done: Promise<void>;
}

/** A relay in log lines: kind, id, a fingerprint of the customer, the attempt. */
export const describeRelay = (relay: Relay) =>
  `${relay.kind} #${relay.id} (customer ${fingerprint(relay.customerId)}, attempt ${relay.attempts})`;

/**
 * A task sending `relay` with `send`, started at once; `over` runs when it has ended,
 * whatever became of it.
 */
export function startTask(
  relay: Relay,
  send: (task: Task) => Promise<void>,
  logger: Logger,
  over: () => void,
): Task {
  const task: Task = {
    relay,
    controller: new AbortController(),
    phase: 'sending',
    abandoned: false,
    done: Promise.resolve(),
  };
  task.done = send(task)
    .catch((error: unknown) => {
      // The row stays in_flight; its lease (or the next start) makes it due again.
      logger.error('relay', `recording ${describeRelay(relay)} failed: ${String(error)}`);
    })
    .finally(over);
  return task;
}
