import { type SkuBilling, skuBillingFor } from '../orders/billing-models.js';
import { type BillingClock, describeOrder } from '../orders/subscription-view.js';
import type { OrdersStore, ProvisioningFailure } from '../store/orders.js';
import type { AdminDeps } from './deps.js';

/** Orders on the Orders page and, by default, in `/admin/api/orders`. */
export const ORDERS_SHOWN = 100;
/** Failed provisioning attempts on the Orders page and in `/admin/api/orders`. */
export const FAILURES_SHOWN = 50;

/** The billing models the admin pages read SKUs with. */
export const modelsOf = (deps: Pick<AdminDeps, 'skuBilling' | 'api'>): SkuBilling =>
  deps.skuBilling ?? skuBillingFor(deps.api ?? 'v2');

/** An order as the provider API shows it. */
export type OrderView = ReturnType<typeof describeOrder>;

/** A failed provisioning attempt as JSON: times in ISO-8601 UTC. */
export function describeFailure(failure: ProvisioningFailure) {
  return {
    id: failure.id,
    provisioningId: failure.provisioningId,
    productId: failure.productId,
    productSkus: [...failure.productSkus],
    at: new Date(failure.at).toISOString(),
    outcome: failure.outcome,
    status: failure.status,
    message: failure.message,
  };
}

/** A failed provisioning attempt as {@link describeFailure} shows it. */
export type FailureView = ReturnType<typeof describeFailure>;

/** The newest orders and failed provisioning attempts, newest first, as JSON-ready views. */
export async function loadOrders(
  store: OrdersStore,
  clock: BillingClock,
  limits: { orders?: number; failures?: number } = {},
): Promise<{ orders: OrderView[]; failures: FailureView[] }> {
  const [orders, failures] = await Promise.all([
    store.listOrders({ limit: limits.orders ?? ORDERS_SHOWN }),
    store.listProvisioningFailures({ limit: limits.failures ?? FAILURES_SHOWN }),
  ]);
  return {
    orders: orders.map((order) => describeOrder(order, clock)),
    failures: failures.map(describeFailure),
  };
}
