import { describeFailure } from '../admin/orders-data.js';
import { loadSkuBilling } from '../orders/settings.js';
import { type BillingClock, describeOrder } from '../orders/subscription-view.js';
import type { Store } from '../store/types.js';
import { withAdminStore } from './admin-store.js';
import { type CliIo, EXIT } from './io.js';
import type { OrdersReport } from './orders-report.js';
import { renderOrders } from './orders-text.js';

/** Orders (and failed attempts) `orders` lists unless `--limit` says otherwise. */
export const DEFAULT_ORDERS_LIMIT = 100;

async function collect(
  store: Store,
  database: string,
  limit: number,
  clock: BillingClock,
): Promise<OrdersReport> {
  const orders = (await store.listOrders({ limit })).map((order) => describeOrder(order, clock));
  // The orders store has no count: failures are few (one per order the provider turned
  // down), so reading them all to count them is cheap.
  const all = await store.listProvisioningFailures({ limit: Number.MAX_SAFE_INTEGER });
  return {
    database,
    orders,
    failures: all.slice(0, limit).map(describeFailure),
    failureCount: all.length,
  };
}

/**
 * `orders`: the newest orders with each SKU's billing (its model from `CLM_SKU_BILLING`, as
 * the collector reads it) and end, then failed provisioning.
 */
export async function runOrders(options: { json: boolean; limit: number }, io: CliIo) {
  const clock = { billing: loadSkuBilling(io.env), now: io.clock?.now() ?? Date.now() };
  const report = await withAdminStore(io, (store, path) =>
    collect(store, path, options.limit, clock),
  );
  io.stdout.write(
    options.json ? `${JSON.stringify(report, null, 2)}\n` : renderOrders(report, options.limit),
  );
  return EXIT.ok;
}
