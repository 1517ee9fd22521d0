import { type Order, type OrdersStore, type RelayRef, SkuEnded } from '../store/orders.js';
import { usageReportRelay } from '../usage/report-kind.js';
import { startBillingRelay, usageEndRelay } from './relay-kinds.js';

/** What a billing start or termination did to one SKU. */
export interface SkuAction {
  sku: string;
  /** `queued`: a relay was queued now; `unchanged`: it was requested before. */
  result: 'queued' | 'unchanged';
  relay: RelayRef | null;
}

/** Why a billing start is refused under `CLM_MARKETPLACE_API=v1` (seed 003 has none). */
export const NO_V1_BILLING_START =
  'the v1 API has no billing start: a v1 subscription bills from its order';

/** Why an order call was refused: the provider API's 400 and 409. */
export class OrderConflict extends Error {
  constructor(
    readonly status: 400 | 409,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The SKUs a call names (all of the order's by default). Throws an {@link OrderConflict}
 * for a SKU the order does not have.
 */
export function pickSkus(order: Order, skus: readonly string[] | undefined): string[] {
  if (skus === undefined) return [...order.productSkus];
  const unknown = skus.find((sku) => !order.productSkus.includes(sku));
  if (unknown !== undefined)
    throw new OrderConflict(400, `SKU ${JSON.stringify(unknown)} is not part of this order`);
  return [...skus];
}

// The store's answer to a start of a SKU whose end is queued, as the provider API's 409.
async function queueStarts(store: OrdersStore, order: Order, skus: readonly string[], now: number) {
  try {
    return await store.queueOrderRelays(skus.map((sku) => startBillingRelay(order, sku, now)));
  } catch (error) {
    if (error instanceof SkuEnded) throw new OrderConflict(409, error.message);
    throw error;
  }
}

/**
 * Starts billing `skus` of an order: one `/start-billing/` relay per SKU, never two. A SKU
 * terminated (its end queued) is a 409: the store decides it in the transaction that would
 * queue the start, so a termination at the same moment is either before it (409) or after.
 */
export async function startBilling(
  store: OrdersStore,
  order: Order,
  skus: readonly string[],
  now: number,
): Promise<SkuAction[]> {
  const queued = await queueStarts(store, order, skus, now);
  return skus.map((sku, index) => {
    const entry = queued[index];
    return { sku, result: entry?.queued ? 'queued' : 'unchanged', relay: entry?.relay ?? null };
  });
}

/**
 * Terminates `skus` of an order: each active one is marked ended, its usage of the periods
 * not yet closed is reported, then one `/saas-usage/end` is sent. When every named SKU had
 * ended already, a 409.
 */
export async function terminate(
  store: OrdersStore,
  order: Order,
  skus: readonly string[],
  now: number,
): Promise<SkuAction[]> {
  const active = skus.filter((sku) => order.skus.find((s) => s.sku === sku)?.endedAt === null);
  if (active.length === 0) throw new OrderConflict(409, 'already terminated');
  const ended = await store.terminateSkus({
    provisioningId: order.provisioningId,
    skus: active,
    now,
    usageReport: (bucket) => usageReportRelay(bucket, now),
    end: (sku) => usageEndRelay(order, sku, now),
  });
  const after = await store.getOrder(order.provisioningId);
  return skus.map((sku) => ({
    sku,
    result: ended.includes(sku) ? 'queued' : 'unchanged',
    relay: after?.skus.find((s) => s.sku === sku)?.end ?? null,
  }));
}
