import { fingerprint } from '../log.js';
import { pickSkus, startBilling } from '../orders/billing.js';
import type { Order } from '../store/orders.js';
import type { AdminDeps } from './deps.js';

// Every active SKU not started yet. With none active, all of them: `startBilling` then
// refuses the terminated order (409) instead of a silent "nothing to start".
function defaultSkus(order: Order): string[] {
  const active = order.skus.filter((sku) => sku.endedAt === null);
  if (active.length === 0) return [...order.productSkus];
  return active.filter((sku) => sku.billing === null).map((sku) => sku.sku);
}

/**
 * Queues `/start-billing/` for `skus` of an order (default: each active SKU not started
 * yet) and wakes the relay worker. Resolves with how many SKUs got a call queued now;
 * throws `OrderConflict` for a SKU the order lacks (400) or one terminated (409).
 */
export async function startBillingFromAdmin(
  deps: Pick<AdminDeps, 'store' | 'clock' | 'logger' | 'relay'>,
  order: Order,
  skus: readonly string[] | undefined,
): Promise<number> {
  const chosen = skus === undefined ? defaultSkus(order) : pickSkus(order, skus);
  const done = await startBilling(deps.store, order, chosen, deps.clock.now());
  const queued = done.filter((sku) => sku.result === 'queued').length;
  if (queued > 0) deps.relay?.notify();
  deps.logger.info(
    'collector',
    `admin: billing start of order ${fingerprint(order.provisioningId)}: ${queued} of ${chosen.length} SKU(s) queued`,
  );
  return queued;
}
