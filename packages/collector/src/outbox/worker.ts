import type { Clock } from '../clock.js';
import type { RelayConfig } from '../config.js';
import { fingerprint, type Logger } from '../log.js';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';
import { plural } from '../plural.js';
import type { AttemptRecord, OutboxStore, Relay } from '../store/outbox.js';
import type { MarketplaceEndpoints, Pause, RelayKindSpec, RelayKinds } from './kind.js';
import type { OnrampClient } from './onramp-client.js';
import { truncateBody } from './policy.js';

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

interface Task {
  relay: Relay;
  controller: AbortController;
  phase: 'sending' | 'recording';
  abandoned: boolean;
  done: Promise<void>;
}

// Each pause once, by name, among those the kinds wait out.
function pausesOf(kinds: readonly RelayKindSpec<unknown>[]): Pause[] {
  const byName = new Map<string, Pause>();
  for (const { delivery } of kinds) {
    if (delivery?.pause) byName.set(delivery.pause.name, delivery.pause);
  }
  return [...byName.values()];
}

const describeRelay = (relay: Relay) =>
  `${relay.kind} #${relay.id} (customer ${fingerprint(relay.customerId)}, attempt ${relay.attempts})`;

/** Creates the relay worker; nothing runs until `start()`. */
export function createRelayWorker(deps: RelayWorkerDeps): RelayWorker {
  const { store, kinds, onramp, endpoints, clock, config, logger, random = Math.random } = deps;
  const { metrics } = deps;

  // Where and what to send, as the relay's kind says.
  function callOf(spec: RelayKindSpec<unknown>, payload: unknown, relay: Relay) {
    return { url: spec.url(endpoints), body: spec.body ? spec.body(payload, relay) : payload };
  }
  const policy = {
    baseMs: config.backoffBaseMs,
    maxMs: config.backoffMaxMs,
    maxAgeMs: config.maxAgeMs,
  };
  // Long enough that a live call always finishes first; a lease only expires if a
  // process hangs, and claims of a dead process are released when the store reopens.
  const leaseMs = config.timeoutMs + config.shutdownGraceMs + 60_000;
  const tasks = new Map<number, Task>();
  let running = false;
  let stopping: Promise<void> | null = null;
  let looping: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | undefined;

  // The kinds' pauses are asked once a second at most: the blackout starts and ends on
  // whole minutes, and asking means working out wall times in two zones (a tenth of what a
  // claim allocated while the worker drained a backlog, measured with a heap profile).
  const pauses = pausesOf(Object.values(kinds));
  let pausedSecond = Number.NaN;
  let paused: string[] = [];
  const pausedAt = (now: number): string[] => {
    const second = Math.floor(now / 1000);
    if (second !== pausedSecond) {
      pausedSecond = second;
      paused = pauses.filter((pause) => pause.covers(now)).map((pause) => pause.name);
    }
    return paused;
  };

  // An outcome the store refuses (disk full, read-only) is kept and written again until it
  // sticks: leaving the row in_flight would re-send a call the onramp already accepted.
  // Written under the claim it was sent with: if the row is no longer in flight under it
  // (its lease expired and it was claimed again), this outcome must not overwrite that one.
  async function persist(task: Task, write: () => Promise<boolean>): Promise<void> {
    for (let delay = config.pollMs; ; delay = Math.min(delay * 2, 1000)) {
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

  async function record(task: Task): Promise<void> {
    const { relay } = task;
    const spec = kinds[relay.kind];
    const body = spec?.payload.safeParse(relay.payload);
    const call = spec && body?.success ? callOf(spec, body.data, relay) : undefined;
    // Latency wants a monotonic clock; the injected one may stand still in tests.
    const started = performance.now();
    const result = !spec
      ? `unknown relay kind ${relay.kind}`
      : !body?.success
        ? `stored payload is invalid: ${body?.error.issues[0]?.message}`
        : await onramp.post((call as NonNullable<typeof call>).url, call?.body, {
            signal: task.controller.signal,
          });
    const seconds = (performance.now() - started) / 1000;
    if (task.abandoned) return;
    task.phase = 'recording';
    const now = clock.now();
    if (typeof result === 'string') {
      const attempt = { claim: relay.attempts, at: now, status: null, body: null, error: result };
      await persist(task, () => store.markDead(relay.id, attempt));
      metrics?.relayAttempt('dead', undefined, relay.kind);
      logger.error('relay', `dead-lettered ${describeRelay(relay)}: ${result}`);
      return;
    }
    const ageMs = now - (relay.replayedAt ?? relay.createdAt);
    const decision = (spec as NonNullable<typeof spec>).decide(
      { result, attempts: relay.attempts, ageMs, now, random },
      policy,
    );
    const attempt: AttemptRecord = {
      claim: relay.attempts,
      at: now,
      status: result.type === 'response' ? result.status : null,
      body: result.type === 'response' ? truncateBody(result.body) : null,
      error: decision.action === 'delivered' ? null : decision.reason,
      ...(decision.action === 'delivered' && spec?.late && { late: spec.late(relay, now) }),
    };
    metrics?.relayAttempt(decision.action, seconds, relay.kind);
    if (decision.action === 'delivered') {
      await persist(task, () => store.markDelivered(relay.id, attempt));
      logger.info('relay', `delivered ${describeRelay(relay)}: HTTP ${attempt.status}`);
    } else if (decision.action === 'retry') {
      await persist(task, () => store.scheduleRetry(relay.id, decision.at, attempt));
      const wait = ((decision.at - now) / 1000).toFixed(1);
      logger.warn(
        'relay',
        `${describeRelay(relay)} failed: ${decision.reason}; retry in ${wait} s`,
      );
    } else if (decision.action === 'unconfirmed') {
      await persist(task, () => store.markUnconfirmed(relay.id, attempt));
      logger.error(
        'relay',
        `${describeRelay(relay)} unconfirmed: ${decision.reason}; confirm or resend it`,
      );
    } else {
      await persist(task, () => store.markDead(relay.id, attempt));
      logger.error('relay', `dead-lettered ${describeRelay(relay)}: ${decision.reason}`);
    }
  }

  function launch(relay: Relay): void {
    const task: Task = {
      relay,
      controller: new AbortController(),
      phase: 'sending',
      abandoned: false,
      done: Promise.resolve(),
    };
    task.done = record(task)
      .catch((error: unknown) => {
        // The row stays in_flight; its lease (or the next start) makes it due again.
        logger.error('relay', `recording ${describeRelay(relay)} failed: ${String(error)}`);
      })
      .finally(() => {
        tasks.delete(relay.id);
        pump();
      });
    tasks.set(relay.id, task);
  }

  async function loop(): Promise<void> {
    try {
      do {
        again = false;
        const free = config.concurrency - tasks.size;
        if (free <= 0) break;
        const now = clock.now();
        const claimed = await store.claimDueRelays({
          now,
          limit: free,
          leaseMs,
          paused: pausedAt(now),
        });
        if (!running) {
          await store.releaseClaims(claimed.map((relay) => relay.id));
          break;
        }
        for (const relay of claimed) launch(relay);
        // A full batch suggests more are due; a freed slot calls pump() again anyway.
        if (claimed.length === free) again = true;
      } while (again && running);
    } catch (error) {
      logger.error('relay', `claiming relays failed: ${String(error)}`);
    }
    if (running) {
      clearTimeout(timer);
      timer = setTimeout(pump, config.pollMs);
    }
  }

  function pump(): void {
    if (!running) return;
    if (looping) {
      again = true;
      return;
    }
    looping = loop().finally(() => {
      looping = null;
    });
  }

  async function shutdown(): Promise<void> {
    await looping;
    let graceTimer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<boolean>((resolve) => {
      graceTimer = setTimeout(() => resolve(true), config.shutdownGraceMs);
    });
    const finished = Promise.allSettled([...tasks.values()].map((task) => task.done)).then(
      () => false,
    );
    const timedOut = await Promise.race([finished, graceOver]);
    clearTimeout(graceTimer);
    if (!timedOut) return;
    const abandoned = [...tasks.values()].filter((task) => task.phase === 'sending');
    for (const task of tasks.values()) task.abandoned = true;
    for (const task of abandoned) task.controller.abort();
    await Promise.allSettled([...tasks.values()].map((task) => task.done));
    // The marketplace may have received some of these already: calls that set state are
    // sent again (at-least-once on shutdown); one sent at most once (a usage report would
    // bill twice) waits for an operator.
    const [reports, others] = [
      abandoned.filter((task) => task.relay.rules.atMostOnce),
      abandoned.filter((task) => !task.relay.rules.atMostOnce),
    ];
    const at = clock.now();
    const unsure = 'stopped while sending: the marketplace may have received it';
    for (const task of reports) {
      const claim = task.relay.attempts;
      await store.markUnconfirmed(task.relay.id, {
        claim,
        at,
        status: null,
        body: null,
        error: unsure,
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

  return {
    start() {
      if (running || stopping) return;
      running = true;
      pump();
    },
    notify: pump,
    stop() {
      running = false;
      clearTimeout(timer);
      stopping ??= shutdown();
      return stopping;
    },
  };
}
