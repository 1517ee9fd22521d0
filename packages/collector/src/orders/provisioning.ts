import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../clock.js';
import { fingerprint, type Logger } from '../log.js';
import type { ProvisionOutcome } from '../metrics/outcomes.js';
import type { MarketplaceApi } from '../outbox/kind.js';
import { plural } from '../plural.js';
import type { Order, OrdersStore } from '../store/orders.js';
import { type ForwardResult, type ForwardTarget, forwardProvisioning } from './forward.js';
import { repeatRefusal } from './order-repeats.js';
import { type OrderRequest, type ParsedOrder, readV2Order } from './order-request.js';
import { readV1Order } from './v1-request.js';

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

/** The buyer's message for another order under a key already used. */
export const CONFLICT_MESSAGE =
  'This order differs from an earlier order with the same provisioning id (its SKUs, product or details): it was not placed.';
// The dashboard's record of it (no order details: they are personal data).
const CONFLICT_RECORD =
  'another order under an order id already used (other SKUs, product or form fields): not forwarded';

export { CLOSED_MESSAGE } from './order-repeats.js';

/** Dependencies of {@link createProvisioning}. */
export interface ProvisioningDeps {
  store: OrdersStore;
  clock: Clock;
  logger: Logger;
  forward: ForwardTarget;
  providerKey: string;
  /** v1 reads seed 003's body and answers a success `201 {"coid": …}`; default v2. */
  api?: MarketplaceApi;
  /** The product's SKUs, which each v1 order subscribes to (`CLM_V1_SKUS`). */
  v1Skus?: readonly string[];
  /** Told of each call's outcome, and the forward's duration when one was made. */
  onOutcome?: (outcome: ProvisionOutcome, seconds?: number) => void;
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
  const { store, clock, logger, forward, providerKey, onOutcome, waitPollMs = 100 } = deps;
  const leaseMs = forward.timeoutMs + CLAIM_MARGIN_MS;
  // The marketplace's success answer: v2 shows the provider's fields, v1 wants the Co ID.
  const created = (answer: Record<string, unknown>): ProvisionAnswer =>
    deps.api === 'v1'
      ? { status: 201, body: { coid: answer.customerId } }
      : { status: 200, body: answer };
  // v1 recognises a repeat by its details alone: a closed account, or an order of other
  // SKUs, is not answered as this buyer's order (orders/order-repeats).
  const repeated = (order: Order, request: OrderRequest): ProvisionAnswer => {
    const refusal = repeatRefusal(order, request);
    return refusal ? { status: 409, body: { error: refusal.message } } : created(order.answer);
  };
  // Repeats reaching this collector share the call in flight here.
  const inFlight = new Map<string, { digest: string; call: Promise<ProvisionAnswer> }>();

  async function attempt(request: OrderRequest): Promise<ProvisionAnswer> {
    const { key, productId, productSkus } = request;
    const started = performance.now();
    const result = await forwardProvisioning(forward, request.rawBody);
    const seconds = (performance.now() - started) / 1000;
    const at = clock.now();
    if (result.type === 'created') {
      const { customerId } = result.answer;
      const provisioningId = request.provisioningId ?? customerId;
      const { order: stored, created: isNew } = await store.createOrder({
        provisioningId,
        productId,
        productSkus,
        customerId,
        providerKey,
        answer: result.answer,
        createdAt: at,
        requestKey: key,
        requestDigest: request.digest,
      });
      if (!isNew) return answeredWithAnother(request, stored, seconds);
      onOutcome?.('created', seconds);
      logger.info(
        'orders',
        `order ${fingerprint(provisioningId)} provisioned: customer ${fingerprint(stored.customerId)}, ${plural(productSkus.length, 'SKU')}`,
      );
      return created(stored.answer);
    }
    const failure = describeFailure(result);
    await store.recordProvisioningFailure({
      provisioningId: key,
      productId,
      productSkus,
      at,
      ...failure,
    });
    onOutcome?.(failure.outcome, seconds);
    logger.warn(
      'orders',
      `order ${fingerprint(key)} not provisioned: ${failure.message.slice(0, 200)}`,
    );
    if (result.type === 'refused') {
      const { reply } = result;
      return 'json' in reply
        ? { status: result.status, body: reply.json }
        : { status: result.status, body: reply.text, text: true };
    }
    return { status: 502, body: GENERIC_FAILURE };
  }

  // A 409 the buyer reads, recorded for the dashboard (`record`: no personal data).
  async function refuse(request: OrderRequest, message: string, record: string) {
    const { key, productId, productSkus } = request;
    await store.recordProvisioningFailure({
      provisioningId: key,
      productId,
      productSkus,
      at: clock.now(),
      outcome: 'refused',
      status: 409,
      message: record,
    });
    logger.warn('orders', `order ${fingerprint(key)} refused: ${record}`);
    return { status: 409, body: { error: message } };
  }

  // Another order under a key already used: refused before the provider, with a trace.
  function conflict(request: OrderRequest): Promise<ProvisionAnswer> {
    onOutcome?.('invalid');
    return refuse(request, CONFLICT_MESSAGE, CONFLICT_RECORD);
  }

  // The provider answered with the id of an order stored under another key (v1: a coid it
  // already gave): the store keeps this key as that order's alias, so a repeat is answered
  // from it without calling the provider; it is this request's answer only if it fits.
  async function answeredWithAnother(request: OrderRequest, stored: Order, seconds: number) {
    const refusal = repeatRefusal(stored, request);
    logger.warn(
      'orders',
      `order ${fingerprint(request.key)}: the provider answered with order ${fingerprint(stored.provisioningId)}, stored for another request; this request now answers to it`,
    );
    onOutcome?.(refusal ? 'refused' : 'repeat', seconds);
    if (!refusal) return created(stored.answer);
    const record = `the provider answered with the id of an existing order (${refusal.record}): not placed`;
    return refuse(request, refusal.message, record);
  }

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

function describeFailure(result: Exclude<ForwardResult, { type: 'created' }>) {
  return result.type === 'refused'
    ? { outcome: 'refused' as const, status: result.status, message: result.body }
    : { outcome: 'failed' as const, status: result.status, message: result.reason };
}
