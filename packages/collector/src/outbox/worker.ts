import type { Clock } from '../clock.js';
import type { RelayConfig } from '../config.js';
import { fingerprint, type Logger } from '../log.js';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';
import { plural } from '../plural.js';
import type { AttemptRecord, OutboxStore, Relay } from '../store/outbox.js';
import { MARKETPLACE_ZONE } from '../usage/calendar.js';
import type { MarketplaceApi, MarketplaceEndpoints, RelayKindSpec } from './kind.js';
import { relayKinds } from './kinds.js';
import { createLeaseRenewal, RELAY_LEASE_MS } from './lease-renewal.js';
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
  onramp: OnrampClient;
  /** Where each kind of relay is sent. */
  endpoints: MarketplaceEndpoints;
  /** The marketplace API in use; default v2. */
  api?: MarketplaceApi;
  /** `CLM_BILLING_TZ`, the zone of the dates v1 calls carry; default America/Chicago. */
  billingZone?: string;
  clock: Clock;
  config: RelayConfig;
  logger: Logger;
  /** Uniform in [0, 1), for backoff jitter. Default `Math.random`. */
  random?: () => number;
  /** Counts attempts and times onramp calls. */
  metrics?: Pick<CollectorMetrics, 'relayAttempt'>;
  /** Whether usage reports must wait at `now` (the month-end blackout). */
  holdUsage?: (now: number) => boolean;
}

interface Task {
  relay: Relay;
  controller: AbortController;
  phase: 'sending' | 'recording';
  abandoned: boolean;
  done: Promise<void>;
}

const describeRelay = (relay: Relay) =>
  `${relay.kind} #${relay.id} (customer ${fingerprint(relay.customerId)}, attempt ${relay.attempts})`;

/** Creates the relay worker; nothing runs until `start()`. */
export function createRelayWorker(deps: RelayWorkerDeps): RelayWorker {
  const { store, onramp, endpoints, clock, config, logger, random = Math.random, metrics } = deps;
  const api = deps.api ?? 'v2';
  const billingZone = deps.billingZone ?? MARKETPLACE_ZONE;

  // Where and what to send: the kind's call, or its translation on the v1 API.
  function callOf(spec: RelayKindSpec<unknown>, payload: unknown, relay: Relay) {
    if (api === 'v1' && spec.v1) {
      return { url: spec.v1.url(endpoints), body: spec.v1.body(payload, relay, billingZone) };
    }
    return { url: spec.url(endpoints), body: spec.body ? spec.body(payload) : payload };
  }
  const policy = {
    baseMs: config.backoffBaseMs,
    maxMs: config.backoffMaxMs,
    maxAgeMs: config.maxAgeMs,
  };
  // Short, and renewed while the call runs: another instance takes over the relays of one
  // that died within a lease, and never a call that is still being made, however long.
  const leaseMs = config.leaseMs ?? RELAY_LEASE_MS;
  const tasks = new Map<number, Task>();
  const renewal = createLeaseRenewal({
    store,
    clock,
    logger,
    leaseMs,
    held: () => [...tasks.values()].map(({ relay }) => ({ id: relay.id, claim: relay.attempts })),
  });
  let running = false;
  let stopping: Promise<void> | null = null;
  let looping: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | undefined;

  // Whether usage reports wait is asked once a second at most: the blackout starts and ends
  // on whole minutes, and asking means working out wall times in two zones (a tenth of what
  // a claim allocated while the worker drained a backlog, measured with a heap profile).
  let heldSecond = Number.NaN;
  let held = false;
  const holdUsageAt = (now: number): boolean => {
    if (!deps.holdUsage) return false;
    const second = Math.floor(now / 1000);
    if (second !== heldSecond) {
      heldSecond = second;
      held = deps.holdUsage(now);
    }
    return held;
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
    const spec = relayKinds[relay.kind];
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
        // The worker's own leases first, should the event loop have held up their renewal.
        await renewal.ifLate();
        const now = clock.now();
        const holdUsage = holdUsageAt(now);
        const claimed = await store.claimDueRelays({ now, limit: free, leaseMs, holdUsage });
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
    // sent again (at-least-once on shutdown); a usage report would bill twice, so it waits
    // for an operator.
    const [reports, others] = [
      abandoned.filter((task) => task.relay.kind === 'usage_report'),
      abandoned.filter((task) => task.relay.kind !== 'usage_report'),
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
      renewal.start();
      pump();
    },
    notify: pump,
    stop() {
      running = false;
      clearTimeout(timer);
      // Leases are renewed until the last call has ended or was given up.
      stopping ??= shutdown().finally(() => renewal.stop());
      return stopping;
    },
  };
}
