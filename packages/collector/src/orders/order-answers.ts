import type { Clock } from '../clock.js';
import { fingerprint, type Logger } from '../log.js';
import type { ProvisionOutcome } from '../metrics/outcomes.js';
import type { MarketplaceApi } from '../outbox/kind.js';
import { plural } from '../plural.js';
import type { Order, OrdersStore } from '../store/orders.js';
import { type ForwardResult, type ForwardTarget, forwardProvisioning } from './forward.js';
import { repeatRefusal } from './order-repeats.js';
import type { OrderRequest } from './order-request.js';

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

/** What {@link orderAnswers} records to and answers with. */
export interface OrderAnswersDeps {
  store: OrdersStore;
  clock: Clock;
  logger: Logger;
  forward: ForwardTarget;
  providerKey: string;
  /** v1 answers a success `201 {"coid": …}`; default v2, the provider's answer. */
  api?: MarketplaceApi;
  /** Told of each call's outcome, and the forward's duration when one was made. */
  onOutcome?: (outcome: ProvisionOutcome, seconds?: number) => void;
}

/**
 * What provisioning answers the marketplace, and records, for one order request: the
 * forward to the provider and what its answer makes of the order (`attempt`), a repeat of
 * an order stored already (`repeated`), another order under a key already used (`conflict`).
 */
export function orderAnswers(deps: OrderAnswersDeps) {
  const { store, clock, logger, forward, providerKey, onOutcome } = deps;
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
    return notProvisioned(deps, request, result, { at, seconds });
  }

  // Another order under a key already used: refused before the provider, with a trace.
  function conflict(request: OrderRequest): Promise<ProvisionAnswer> {
    onOutcome?.('invalid');
    return refuse(deps, request, CONFLICT_MESSAGE, CONFLICT_RECORD);
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
    return refuse(deps, request, refusal.message, record);
  }

  return { attempt, conflict, repeated };
}

function describeFailure(result: Exclude<ForwardResult, { type: 'created' }>) {
  return result.type === 'refused'
    ? { outcome: 'refused' as const, status: result.status, message: result.body }
    : { outcome: 'failed' as const, status: result.status, message: result.reason };
}

// The provider refused the order or could not be reached: recorded for the dashboard, and
// its refusal passed on to the buyer (a failure: the generic message, 502).
async function notProvisioned(
  deps: OrderAnswersDeps,
  request: OrderRequest,
  result: Exclude<ForwardResult, { type: 'created' }>,
  { at, seconds }: { at: number; seconds: number },
): Promise<ProvisionAnswer> {
  const { key, productId, productSkus } = request;
  const failure = describeFailure(result);
  await deps.store.recordProvisioningFailure({
    provisioningId: key,
    productId,
    productSkus,
    at,
    ...failure,
  });
  deps.onOutcome?.(failure.outcome, seconds);
  deps.logger.warn(
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
async function refuse(
  deps: OrderAnswersDeps,
  request: OrderRequest,
  message: string,
  record: string,
): Promise<ProvisionAnswer> {
  const { key, productId, productSkus } = request;
  await deps.store.recordProvisioningFailure({
    provisioningId: key,
    productId,
    productSkus,
    at: deps.clock.now(),
    outcome: 'refused',
    status: 409,
    message: record,
  });
  deps.logger.warn('orders', `order ${fingerprint(key)} refused: ${record}`);
  return { status: 409, body: { error: message } };
}
