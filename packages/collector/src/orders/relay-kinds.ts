import { z } from 'zod';
import { type RelayKindSpec, retryUntilDelivered, rulesOf } from '../outbox/kind.js';
import type { NewRelay } from '../store/outbox.js';
import type { Order } from '../store/types.js';

const skuList = z.array(z.string()).min(1);

/** Body of `/start-billing/` (seed 002), exactly these five fields. */
const startBillingPayload = z.strictObject({
  providerKey: z.string(),
  customerId: z.string(),
  provisioningId: z.string(),
  productId: z.number().int(),
  productSkus: skuList,
});

/** Body of `/saas-usage/end` (seed 002), exactly these five fields. */
const usageEndPayload = z.strictObject({
  providerKey: z.string(),
  customerId: z.string(),
  provisioningId: z.string(),
  productSkus: skuList,
  productId: z.number().int(),
});

type StartBilling = z.output<typeof startBillingPayload>;
/** A `/saas-usage/end` body as stored. */
export type UsageEnd = z.output<typeof usageEndPayload>;

// One call per order and SKU: each SKU's billing starts (and ends) once, on its own, so a
// refusal of one SKU leaves the others' state clear.
const perOrderAndSku = ({
  provisioningId,
  productSkus,
}: {
  provisioningId: string;
  productSkus: string[];
}) => JSON.stringify([provisioningId, productSkus[0]]);

/** `/start-billing/`: one per order and SKU; it sets state, so it is retried until delivered. */
export const startBillingKind: RelayKindSpec<StartBilling, 'start_billing'> = {
  kind: 'start_billing',
  payload: startBillingPayload,
  dedupeKey: perOrderAndSku,
  url: (endpoints) => endpoints.startBilling,
  call: '/start-billing/',
  decide: retryUntilDelivered,
  // After its SKU's end it would restart billing the buyer ended.
  delivery: { supersededByEnd: true },
};

/** `/saas-usage/end`: one per order and SKU, retried until delivered. */
export const usageEndKind: RelayKindSpec<UsageEnd, 'usage_end'> = {
  kind: 'usage_end',
  payload: usageEndPayload,
  dedupeKey: perOrderAndSku,
  url: (endpoints) => endpoints.usageEnd,
  call: '/saas-usage/end',
  decide: retryUntilDelivered,
  // The marketplace refuses usage after the end: the SKU's reports (and an operator's resend
  // of one unconfirmed) must reach it first.
  delivery: { endsSku: true },
};

function orderRelay<P>(
  spec: RelayKindSpec<P, string>,
  order: Order,
  sku: string,
  payload: P,
  now: number,
): NewRelay {
  return {
    kind: spec.kind,
    dedupeKey: spec.dedupeKey(payload),
    partnerKey: order.providerKey,
    serviceName: null,
    customerId: order.customerId,
    orderId: order.provisioningId,
    sku,
    period: null,
    payload,
    purchasedAt: null,
    createdAt: now,
    rules: rulesOf(spec),
  };
}

/** The `/start-billing/` relay of one SKU of an order. */
export function startBillingRelay(order: Order, sku: string, now: number): NewRelay {
  const { providerKey, customerId, provisioningId, productId } = order;
  const payload = { providerKey, customerId, provisioningId, productId, productSkus: [sku] };
  return orderRelay(startBillingKind, order, sku, payload, now);
}

/** The `/saas-usage/end` relay of one SKU of an order. */
export function usageEndRelay(order: Order, sku: string, now: number): NewRelay {
  const { providerKey, customerId, provisioningId, productId } = order;
  const payload = { providerKey, customerId, provisioningId, productSkus: [sku], productId };
  return orderRelay(usageEndKind, order, sku, payload, now);
}
