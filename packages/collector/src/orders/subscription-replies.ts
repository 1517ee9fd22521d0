import type { Response } from 'express';
import type { Clock } from '../clock.js';
import { fingerprint, type Logger } from '../log.js';
import { provisioningIdSchema } from '../order-ids.js';
import type { Order, OrdersStore } from '../store/orders.js';
import { OrderConflict, type SkuAction, type startBilling } from './billing.js';

/** What acting on an order needs: the store, the clock, a log and the worker's wake-up. */
export interface OrderActing {
  store: OrdersStore;
  clock: Clock;
  logger: Logger;
  /** Told after relays are queued, so the worker sends them at once. */
  onRelayQueued: () => void;
}

export const fail = (res: Response, status: number, error: string) => {
  res.status(status).json({ error });
};

const actions = (skus: SkuAction[]) =>
  skus.map(({ sku, result, relay }) => ({
    sku,
    result,
    relayId: relay?.id ?? null,
    relayStatus: relay?.status ?? null,
  }));

/** The order `id` names, or null once the answer (400: not an id, 404: none) is sent. */
export async function findOrder(
  store: Pick<OrdersStore, 'getOrder'>,
  id: string,
  res: Response,
): Promise<Order | null> {
  const valid = provisioningIdSchema.safeParse(id);
  if (!valid.success) {
    fail(res, 400, valid.error.issues[0]?.message ?? 'invalid provisioningId');
    return null;
  }
  const order = await store.getOrder(id);
  if (!order) fail(res, 404, 'no order with this provisioningId');
  return order;
}

/**
 * Acts on `order`'s SKUs and answers with what became of each (202 when a call was
 * queued). `choose` picks the SKUs acted on; it throws an OrderConflict to refuse the call.
 */
export async function act(
  { store, clock, logger, onRelayQueued }: OrderActing,
  res: Response,
  order: Order,
  choose: (now: number) => string[],
  action: typeof startBilling,
  verb: string,
): Promise<void> {
  try {
    const now = clock.now();
    const done = await action(store, order, choose(now), now);
    const queued = done.some((sku) => sku.result === 'queued');
    if (queued) onRelayQueued();
    logger.info(
      'orders',
      `${verb} order ${fingerprint(order.provisioningId)}: ${done.map((s) => s.result).join(', ')}`,
    );
    res
      .status(queued ? 202 : 200)
      .json({ provisioningId: order.provisioningId, skus: actions(done) });
  } catch (error) {
    if (!(error instanceof OrderConflict)) throw error;
    fail(res, error.status, error.message);
  }
}
