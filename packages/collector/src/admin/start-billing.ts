import { fingerprint } from '../log.js';
import { pickSkus, startBilling } from '../orders/billing.js';
import type { SkuBilling } from '../orders/billing-models.js';
import { manualSkus, refuseSelfStarted } from '../orders/billing-start-rules.js';
import { plural } from '../plural.js';
import type { Order } from '../store/orders.js';
import type { AdminDeps } from './deps.js';
import { modelsOf } from './orders-data.js';

// Every active manual SKU not started yet. With none active, all of them: `startBilling`
// then refuses the terminated order (409) instead of a silent "nothing to start".
function defaultSkus(order: Order, billing: SkuBilling): string[] {
  const active = order.skus.filter((sku) => sku.endedAt === null);
  if (active.length === 0) return [...order.productSkus];
  const manual = manualSkus(order, billing);
  return active
    .filter((sku) => sku.billing === null && manual.includes(sku.sku))
    .map((sku) => sku.sku);
}

/**
 * Queues `/start-billing/` for `skus` of an order (default: each active manual SKU not
 * started yet; a scheduled SKU only when named, to start it now) and wakes the relay
 * worker. Resolves with how many SKUs got a call queued now; throws `OrderConflict` for a
 * SKU the order lacks (400), one terminated or one the marketplace already bills (409).
 */
export async function startBillingFromAdmin(
  deps: Pick<AdminDeps, 'store' | 'clock' | 'logger' | 'relay' | 'skuBilling' | 'api'>,
  order: Order,
  skus: readonly string[] | undefined,
): Promise<number> {
  const billing = modelsOf(deps);
  const now = deps.clock.now();
  const chosen = skus === undefined ? defaultSkus(order, billing) : pickSkus(order, skus);
  refuseSelfStarted(order, chosen, billing, now);
  const done = await startBilling(deps.store, order, chosen, now);
  const queued = done.filter((sku) => sku.result === 'queued').length;
  if (queued > 0) deps.relay?.notify();
  deps.logger.info(
    'collector',
    `admin: billing start of order ${fingerprint(order.provisioningId)}: ${queued} of ${plural(chosen.length, 'SKU')} queued`,
  );
  return queued;
}
