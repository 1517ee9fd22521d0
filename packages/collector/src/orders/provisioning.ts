import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MarketplaceApi } from '../outbox/kind.js';
import { type OrderAnswersDeps, orderAnswers, type ProvisionAnswer } from './order-answers.js';
import { type OrderRequest, type ParsedOrder, readV2Order } from './order-request.js';
import { readV1Order } from './v1-request.js';

export type { ProvisionAnswer } from './order-answers.js';
export { CONFLICT_MESSAGE, GENERIC_FAILURE } from './order-answers.js';
export { CLOSED_MESSAGE } from './order-repeats.js';

/** Dependencies of {@link createProvisioning}. */
export interface ProvisioningDeps extends OrderAnswersDeps {
  /** v1 reads seed 003's body and answers a success `201 {"coid": …}`; default v2. */
  api?: MarketplaceApi;
  /** The product's SKUs, which each v1 order subscribes to (`CLM_V1_SKUS`). */
  v1Skus?: readonly string[];
  /** The database's key of request digests (`OrdersStore.requestDigestKey`). */
  digestKey: string;
  /** How often a repeat looks again while another collector forwards the order. Default 100 ms. */
  waitPollMs?: number;
}

/** How long a claim to forward an order outlives the forward's own timeout (storing it). */
const CLAIM_MARGIN_MS = 10_000;

/** Provisioning, idempotent on each request's key. */
export interface Provisioning {
  /** Reads a provisioning body as the marketplace API in use writes it. */
  read(text: string): ParsedOrder;
  provision(request: OrderRequest): Promise<ProvisionAnswer>;
}

/**
 * Forwards each new order to the provider once: a repeat of an order that succeeded gets
 * the stored answer without a call; a repeat while the first is in flight waits for and
 * gets its outcome; a repeat after a failure tries again. Only a 2xx creates an order,
 * stored before the marketplace is answered. "In flight" holds across every collector on
 * the database: the forward is claimed in the store (see `OrdersStore.claimProvisioning`),
 * and a repeat that reached another collector waits for the order, or for the claim to be
 * released or to expire (a collector that died while forwarding), and then tries itself.
 */
export function createProvisioning(deps: ProvisioningDeps): Provisioning {
  const { store, clock, logger, forward, onOutcome, waitPollMs = 100 } = deps;
  const leaseMs = forward.timeoutMs + CLAIM_MARGIN_MS;
  const { attempt, conflict, repeated } = orderAnswers(deps);
  // Repeats reaching this collector share the call in flight here.
  const inFlight = new Map<string, { digest: string; call: Promise<ProvisionAnswer> }>();

  async function once(request: OrderRequest): Promise<ProvisionAnswer> {
    const { key, digest, legacy } = request;
    const owner = randomUUID();
    const before = { requestKey: legacy.key, digest: legacy.digest };
    for (;;) {
      const now = clock.now();
      const claim = await store.claimProvisioning({
        requestKey: key,
        digest,
        legacy: before,
        owner,
        now,
        leaseMs,
      });
      if (claim.state === 'conflict') return conflict(request);
      if (claim.state === 'ordered') {
        onOutcome?.('repeat');
        return repeated(claim.order, request);
      }
      if (claim.state === 'claimed') {
        try {
          return await attempt(request);
        } finally {
          // Not released, the claim expires by itself: a repeat then tries again.
          await store.releaseProvisioning(key, owner).catch((error: unknown) => {
            logger.warn('orders', `releasing the claim on an order failed: ${String(error)}`);
          });
        }
      }
      // Another collector is forwarding it.
      await sleep(waitPollMs);
    }
  }

  return {
    read: (text) =>
      deps.api === 'v1'
        ? readV1Order(text, deps.v1Skus ?? [], deps.digestKey)
        : readV2Order(text, deps.digestKey),
    provision(request) {
      const { key, digest } = request;
      const running = inFlight.get(key);
      if (running) {
        if (running.digest !== digest) return conflict(request);
        onOutcome?.('repeat');
        return running.call;
      }
      const call = once(request).finally(() => inFlight.delete(key));
      inFlight.set(key, { digest, call });
      return call;
    },
  };
}
