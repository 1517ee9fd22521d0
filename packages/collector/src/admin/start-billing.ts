import { fingerprint } from '../log.js';
import { pickSkus, startBilling } from '../orders/billing.js';
import type { SkuBilling } from '../orders/billing-models.js';
import { manualSkus, refuseSelfStarted } from '../orders/billing-start-rules.js';
import { plural } from '../plural.js';
import type { Order } from '../store/orders.js';
import type { AdminDeps } from './deps.js';
import { modelsOf } from './orders-data.js';

type StartDeps = Pick<AdminDeps, 'store' | 'clock' | 'logger' | 'relay' | 'skuBilling' | 'api'>;

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

/** What a Start billing would do: the SKUs it names, and those it would send a call for. */
export interface BillingStartPlan {
  chosen: string[];
  /** SKUs with no start requested yet: one `/start-billing/` each. */
  calls: string[];
  /** Whether a SKU named has ended: the start is refused (409), nothing is sent. */
  ended: boolean;
  /** What the plan was read from, for the confirm token: each SKU's calls, as stored. */
  state: string;
}

/**
 * Reads what Start billing would send for `skus` of an order (default: each active
 * manual SKU not started yet; a scheduled SKU only when named), changing nothing. Throws
 * `OrderConflict` for a SKU the order lacks (400) or one the marketplace already bills (409).
 */
export function planBillingStart(
  deps: Pick<AdminDeps, 'clock' | 'skuBilling' | 'api'>,
  order: Order,
  skus: readonly string[] | undefined,
): BillingStartPlan {
  const billing = modelsOf(deps);
  const chosen = skus === undefined ? defaultSkus(order, billing) : pickSkus(order, skus);
  refuseSelfStarted(order, chosen, billing, deps.clock.now());
  const named = order.skus.filter((sku) => chosen.includes(sku.sku));
  const calls = named.filter((sku) => sku.billing === null && sku.endedAt === null);
  const state = JSON.stringify([
    order.provisioningId,
    chosen,
    named.map((sku) => [sku.sku, sku.billing?.id ?? null, sku.endedAt]),
  ]);
  return {
    chosen,
    calls: calls.map((sku) => sku.sku),
    ended: named.some((sku) => sku.endedAt !== null),
    state,
  };
}

/**
 * Queues `/start-billing/` for `skus` of an order (as {@link planBillingStart} reads them)
 * and wakes the relay worker. Resolves with how many SKUs got a call queued now; throws
 * `OrderConflict` for a SKU the order lacks (400), one terminated or one the marketplace
 * already bills (409).
 */
export async function startBillingFromAdmin(
  deps: StartDeps,
  order: Order,
  skus: readonly string[] | undefined,
): Promise<number> {
  const { chosen } = planBillingStart(deps, order, skus);
  const done = await startBilling(deps.store, order, chosen, deps.clock.now());
  const queued = done.filter((sku) => sku.result === 'queued').length;
  if (queued > 0) deps.relay?.notify();
  deps.logger.info(
    'collector',
    `admin: billing start of order ${fingerprint(order.provisioningId)}: ${queued} of ${plural(chosen.length, 'SKU')} queued`,
  );
  return queued;
}
