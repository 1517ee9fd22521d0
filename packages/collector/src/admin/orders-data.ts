import { describeOrder } from '../orders/subscription-view.js';
import type { OrdersStore, ProvisioningFailure } from '../store/orders.js';

/** Orders on the Orders page and, by default, in `/admin/api/orders`. */
export const ORDERS_SHOWN = 100;
/** Failed provisioning attempts on the Orders page and in `/admin/api/orders`. */
export const FAILURES_SHOWN = 50;

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
  limits: { orders?: number; failures?: number } = {},
): Promise<{ orders: OrderView[]; failures: FailureView[] }> {
  const [orders, failures] = await Promise.all([
    store.listOrders({ limit: limits.orders ?? ORDERS_SHOWN }),
    store.listProvisioningFailures({ limit: limits.failures ?? FAILURES_SHOWN }),
  ]);
  return {
    orders: orders.map((order) => describeOrder(order)),
    failures: failures.map(describeFailure),
  };
}
