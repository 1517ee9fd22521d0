import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { plural } from '../plural.js';
import type { LeaseClaim, OutboxStore } from '../store/outbox.js';

/**
 * How long a claim holds a relay unless its sender renews it, which it does every third
 * of it while the call runs: a relay whose instance died is taken over by another within
 * this (plus a poll), however long calls may take.
 */
export const RELAY_LEASE_MS = 8000;

/** Keeps the leases of the relays a worker is sending. */
export interface LeaseRenewal {
  /** Renews every third of the lease from now on. */
  start(): void;
  /**
   * Renews now if the last renewal began a third of a lease ago or more (the event loop
   * was held up): before a claim, so that one never takes over the worker's own calls.
   */
  ifLate(): Promise<void>;
  /** Stops renewing once a renewal in progress has ended. */
  stop(): Promise<void>;
}

/** Renews the leases of `held()` (the relays in flight) with `store`. */
export function createLeaseRenewal(deps: {
  store: Pick<OutboxStore, 'renewLeases'>;
  clock: Clock;
  logger: Logger;
  leaseMs: number;
  held: () => LeaseClaim[];
}): LeaseRenewal {
  const { store, clock, logger, leaseMs, held } = deps;
  const everyMs = Math.max(1, Math.floor(leaseMs / 3));
  let timer: NodeJS.Timeout | undefined;
  let renewing: Promise<void> | null = null;
  // Claims found lost are not renewed (nor reported) again while their call runs on.
  const lost = new Set<string>();
  const keyOf = ({ id, claim }: LeaseClaim) => `${id}:${claim}`;
  // Monotonic: a wall clock stepped back must not make a late renewal look recent.
  let lastStarted = performance.now();

  async function renew(): Promise<void> {
    const all = held();
    const current = new Set(all.map(keyOf));
    for (const key of lost) if (!current.has(key)) lost.delete(key);
    const claims = all.filter((claim) => !lost.has(keyOf(claim)));
    if (claims.length === 0) return;
    try {
      const renewed = new Set(await store.renewLeases({ claims, now: clock.now(), leaseMs }));
      // A call whose outcome was written meanwhile is no longer held: not a lost lease.
      const still = new Set(held().map(keyOf));
      const gone = claims.filter((claim) => !renewed.has(claim.id) && still.has(keyOf(claim)));
      for (const claim of gone) lost.add(keyOf(claim));
      if (gone.length > 0) {
        // Its outcome will not be recorded (the relay is no longer in flight under it),
        // unless it is a report settled unconfirmed for the lapse, which its answer settles.
        logger.warn(
          'relay',
          `${plural(gone.length, 'lease')} lost while sending: claimed again or settled meanwhile`,
        );
      }
    } catch (error) {
      logger.error('relay', `renewing leases failed: ${String(error)}`);
    }
  }

  const run = (): Promise<void> => {
    if (!renewing) {
      lastStarted = performance.now();
      renewing = renew().finally(() => {
        renewing = null;
      });
    }
    return renewing;
  };

  return {
    start() {
      if (timer) return;
      lastStarted = performance.now();
      timer = setInterval(run, everyMs);
    },
    async ifLate() {
      // A renewal (this one's too) held up between taking its time and being written ends
      // its leases too soon: renewed again, a few times at most (a store that slow is
      // failing, and claims must go on).
      for (let tries = 0; tries < 3; tries++) {
        if (renewing) await renewing;
        else if (performance.now() - lastStarted >= everyMs) await run();
        else return;
      }
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await renewing;
    },
  };
}
