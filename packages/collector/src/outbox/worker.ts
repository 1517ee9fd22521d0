import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';
import type { OutboxStore, Relay } from '../store/outbox.js';
import type { MarketplaceEndpoints, RelayKinds } from './kind.js';
import { createLeaseRenewal, RELAY_LEASE_MS } from './lease-renewal.js';
import type { OnrampClient } from './onramp-client.js';
import { type OutcomeDeps, recordOutcome } from './outcome.js';
import { pauseWindows } from './pauses.js';
import { createPump } from './pump.js';
import type { RelayConfig } from './settings.js';
import { stopTasks } from './shutdown.js';
import { startTask, type Task } from './task.js';

/** Background loop sending queued relays to the onramp. */
export interface RelayWorker {
  /** Starts claiming due relays. */
  start(): void;
  /** Looks for due relays now (call after queueing one) instead of at the next poll. */
  notify(): void;
  /**
   * Stops claiming, waits up to `shutdownGraceMs` for calls in progress, then aborts the
   * rest and returns their relays to pending. Resolves when nothing is left running.
   */
  stop(): Promise<void>;
}

/** Dependencies of {@link createRelayWorker}. */
export interface RelayWorkerDeps {
  store: OutboxStore;
  /** What each kind of relay sends, where, and by which rules (`relay-kinds.ts`). */
  kinds: RelayKinds;
  onramp: OnrampClient;
  /** Where each kind of relay is sent. */
  endpoints: MarketplaceEndpoints;
  clock: Clock;
  config: RelayConfig;
  logger: Logger;
  /** Uniform in [0, 1), for backoff jitter. Default `Math.random`. */
  random?: () => number;
  /** Counts attempts and times onramp calls. */
  metrics?: Pick<CollectorMetrics, 'relayAttempt'>;
}

/** Creates the relay worker; nothing runs until `start()`. */
export function createRelayWorker(deps: RelayWorkerDeps): RelayWorker {
  const { store, clock, config, logger } = deps;
  const send = sender(deps);
  // Short, and renewed while the call runs: another instance takes over the relays of one
  // that died within a lease, and never a call that is still being made, however long.
  const leaseMs = config.leaseMs ?? RELAY_LEASE_MS;
  const pauses = pauseWindows(deps.kinds);
  const tasks = new Map<number, Task>();
  const held = () =>
    [...tasks.values()].map(({ relay }) => ({ id: relay.id, claim: relay.attempts }));
  const renewal = createLeaseRenewal({ store, clock, logger, leaseMs, held });
  let stopping: Promise<void> | null = null;

  function launch(relay: Relay): void {
    const task = startTask(relay, send, logger, () => {
      tasks.delete(relay.id);
      loop.pump();
    });
    tasks.set(relay.id, task);
  }

  // Claims what the free slots can take; true when they were all filled (more may be due).
  async function claim(): Promise<boolean> {
    const free = config.concurrency - tasks.size;
    if (free <= 0) return false;
    // The worker's own leases first, should the event loop have held up their renewal.
    await renewal.ifLate();
    const now = clock.now();
    const claimed = await store.claimDueRelays({
      now,
      limit: free,
      leaseMs,
      pauses: pauses(now),
    });
    if (!loop.running) {
      await store.releaseClaims(claimed.map((relay) => relay.id));
      return false;
    }
    for (const relay of claimed) launch(relay);
    return claimed.length === free;
  }

  const loop = createPump(claim, {
    pollMs: config.pollMs,
    onError: (error) => logger.error('relay', `claiming relays failed: ${String(error)}`),
  });

  return {
    start() {
      if (loop.running || stopping) return;
      renewal.start();
      loop.start();
    },
    notify: loop.pump,
    stop() {
      const claiming = loop.stop();
      // Leases are renewed until the last call has ended or was given up.
      stopping ??= claiming
        .then(() => stopTasks([...tasks.values()], config.shutdownGraceMs, deps))
        .finally(() => renewal.stop());
      return stopping;
    },
  };
}

// Sends a claimed relay as its kind says and records the outcome (unless a stop gave up on
// it meanwhile).
function sender(deps: RelayWorkerDeps): (task: Task) => Promise<void> {
  const { kinds, onramp, endpoints, clock, config } = deps;
  const outcomes: OutcomeDeps = {
    store: deps.store,
    logger: deps.logger,
    metrics: deps.metrics,
    random: deps.random ?? Math.random,
    policy: { baseMs: config.backoffBaseMs, maxMs: config.backoffMaxMs, maxAgeMs: config.maxAgeMs },
    pollMs: config.pollMs,
  };
  return async (task) => {
    const { relay } = task;
    const spec = kinds[relay.kind];
    const body = spec?.payload.safeParse(relay.payload);
    // Latency wants a monotonic clock; the injected one may stand still in tests.
    const started = performance.now();
    const result = !spec
      ? `unknown relay kind ${relay.kind}`
      : !body?.success
        ? `stored payload is invalid: ${body?.error.issues[0]?.message}`
        : await onramp.post(
            spec.url(endpoints),
            spec.body ? spec.body(body.data, relay) : body.data,
            { signal: task.controller.signal },
          );
    const seconds = (performance.now() - started) / 1000;
    if (task.abandoned) return;
    task.phase = 'recording';
    await recordOutcome(outcomes, task, spec, { result, seconds, now: clock.now() });
  };
}
