import type { Order } from '../store/orders.js';
import { OrderConflict } from './billing.js';
import { modelName, modelOf, type SkuBilling, scheduledStart } from './billing-models.js';

/** The SKUs of an order billed manually: those a billing start names by default. */
export const manualSkus = (order: Order, billing: SkuBilling): string[] =>
  order.productSkus.filter((sku) => modelOf(billing, sku).kind === 'manual');

/**
 * The SKUs `POST /api/billing/start` starts when it names none: the manual ones. Throws a
 * 409 naming each SKU's model when there are none: a scheduled SKU is started early only
 * when named, as starting it bills the buyer sooner than the product says.
 */
export function defaultStartSkus(order: Order, billing: SkuBilling): string[] {
  const manual = manualSkus(order, billing);
  if (manual.length > 0) return manual;
  const models = order.productSkus.map((sku) => `${sku}: ${modelName(modelOf(billing, sku))}`);
  throw new OrderConflict(
    409,
    `no SKU of this order starts billing manually (${models.join(', ')}); name a SKU whose start is scheduled in productSkus to start it now`,
  );
}

/**
 * Refuses (409) a start of a SKU the marketplace already bills by itself: an immediate
 * one, or a scheduled one whose start has come. A scheduled SKU not started yet may be
 * named (seed 002: the marketplace then starts it now). A SKU whose start was requested
 * before is let through (the store answers `unchanged`), and so is one ended (the store's
 * 409 says so).
 */
export function refuseSelfStarted(
  order: Order,
  skus: readonly string[],
  billing: SkuBilling,
  now: number,
): void {
  for (const name of skus) {
    const sku = order.skus.find((s) => s.sku === name);
    if (!sku || sku.billing !== null || sku.endedAt !== null) continue;
    const model = modelOf(billing, name);
    const startsAt = scheduledStart(model, order.createdAt);
    if (startsAt === null || startsAt > now) continue;
    const since =
      model.kind === 'immediate'
        ? 'bills from its order (immediate)'
        : `started billing on its schedule (${modelName(model)}) at ${new Date(startsAt).toISOString()}`;
    throw new OrderConflict(
      409,
      `SKU ${JSON.stringify(name)} ${since}: there is no billing start to send`,
    );
  }
}
