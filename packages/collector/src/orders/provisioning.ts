import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../clock.js';
import { fingerprint, type Logger } from '../log.js';
import type { ProvisionOutcome } from '../metrics/outcomes.js';
import type { MarketplaceApi } from '../outbox/kind.js';
import type { OrdersStore } from '../store/orders.js';
import { type ForwardResult, type ForwardTarget, forwardProvisioning } from './forward.js';
import type { ProvisionRequest } from './provision-request.js';

/** What to answer the marketplace. */
export interface ProvisionAnswer {
  status: number;
  /** Sent as JSON unless `text` is set. */
  body: unknown;
  /** Send `body` (a string) as text/plain: a provider's 4xx message that is not JSON. */
  text?: boolean;
}

/** The answer the marketplace shows the buyer for 5xx (seed 002: "a generic error message"). */
export const GENERIC_FAILURE = {
  error: 'The provider could not complete the order right now. Please try again later.',
};

/** Dependencies of {@link createProvisioning}. */
export interface ProvisioningDeps {
  store: OrdersStore;
  clock: Clock;
  logger: Logger;
  forward: ForwardTarget;
  providerKey: string;
  /** v1 answers a success `201 {"coid": …}` (seed 003); default v2. */
  api?: MarketplaceApi;
  /** Told of each call's outcome, and the forward's duration when one was made. */
  onOutcome?: (outcome: ProvisionOutcome, seconds?: number) => void;
  /** How often a repeat looks again while another collector forwards the order. Default 100 ms. */
  waitPollMs?: number;
}

/** How long a claim to forward an order outlives the forward's own timeout (storing it). */
const CLAIM_MARGIN_MS = 10_000;

/** Provisioning, idempotent on `provisioningId`. */
export interface Provisioning {
  provision(request: ProvisionRequest, rawBody: string): Promise<ProvisionAnswer>;
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
  const { store, clock, logger, forward, providerKey, onOutcome, waitPollMs = 100 } = deps;
  const leaseMs = forward.timeoutMs + CLAIM_MARGIN_MS;
  // The marketplace's success answer: v2 shows the provider's fields, v1 wants the Co ID.
  const created = (answer: Record<string, unknown>): ProvisionAnswer =>
    deps.api === 'v1'
      ? { status: 201, body: { coid: answer.customerId } }
      : { status: 200, body: answer };
  // Repeats reaching this collector share the call in flight here.
  const inFlight = new Map<string, Promise<ProvisionAnswer>>();

  async function attempt(request: ProvisionRequest, rawBody: string): Promise<ProvisionAnswer> {
    const { provisioningId, productId, productSkus } = request;
    const started = performance.now();
    const result = await forwardProvisioning(forward, rawBody);
    const seconds = (performance.now() - started) / 1000;
    const at = clock.now();
    const order = `order ${fingerprint(provisioningId)}`;
    if (result.type === 'created') {
      const { order: stored } = await store.createOrder({
        provisioningId,
        productId,
        productSkus,
        customerId: result.answer.customerId,
        providerKey,
        answer: result.answer,
        createdAt: at,
      });
      onOutcome?.('created', seconds);
      logger.info(
        'orders',
        `${order} provisioned: customer ${fingerprint(stored.customerId)}, ${productSkus.length} SKU(s)`,
      );
      return created(stored.answer);
    }
    const failure = describeFailure(result);
    await store.recordProvisioningFailure({
      provisioningId,
      productId,
      productSkus,
      at,
      ...failure,
    });
    onOutcome?.(failure.outcome, seconds);
    logger.warn('orders', `${order} not provisioned: ${failure.message.slice(0, 200)}`);
    if (result.type === 'refused') {
      const { reply } = result;
      return 'json' in reply
        ? { status: result.status, body: reply.json }
        : { status: result.status, body: reply.text, text: true };
    }
    return { status: 502, body: GENERIC_FAILURE };
  }

  async function once(request: ProvisionRequest, rawBody: string): Promise<ProvisionAnswer> {
    const { provisioningId } = request;
    const owner = randomUUID();
    for (;;) {
      const claim = await store.claimProvisioning({
        provisioningId,
        owner,
        now: clock.now(),
        leaseMs,
      });
      if (claim.state === 'ordered') {
        onOutcome?.('repeat');
        return created(claim.order.answer);
      }
      if (claim.state === 'claimed') {
        try {
          return await attempt(request, rawBody);
        } finally {
          // Not released, the claim expires by itself: a repeat then tries again.
          await store.releaseProvisioning(provisioningId, owner).catch((error: unknown) => {
            logger.warn('orders', `releasing the claim on an order failed: ${String(error)}`);
          });
        }
      }
      // Another collector is forwarding it.
      await sleep(waitPollMs);
    }
  }

  return {
    provision(request, rawBody) {
      const { provisioningId } = request;
      const running = inFlight.get(provisioningId);
      if (running) {
        onOutcome?.('repeat');
        return running;
      }
      const call = once(request, rawBody).finally(() => inFlight.delete(provisioningId));
      inFlight.set(provisioningId, call);
      return call;
    },
  };
}

function describeFailure(result: Exclude<ForwardResult, { type: 'created' }>) {
  return result.type === 'refused'
    ? { outcome: 'refused' as const, status: result.status, message: result.body }
    : { outcome: 'failed' as const, status: result.status, message: result.reason };
}
