import type { Order } from '../store/orders.js';
import type { OrderRequest } from './order-request.js';

/** v1: the buyer's message for the details of an account that was closed. */
export const CLOSED_MESSAGE =
  'An account with these details was created and has since been closed: please contact the provider to reopen it.';

/** The buyer's message when the provider answers with an order of other SKUs. */
export const OTHER_ORDER_MESSAGE =
  'The provider answered this order with an account that belongs to another order: it was not placed. Please contact the provider.';

const sameSkus = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().every((sku, i) => sku === [...b].sort()[i]);

/**
 * Why `order`, found under `request`'s key, must not be the answer to it, or null when it
 * is. Under v1 a key is the request's details, so a closed account is a buyer ordering
 * again; and an order of other SKUs (the provider answered with the coid of another order)
 * is never handed to this buyer as theirs.
 */
export function repeatRefusal(
  order: Order,
  request: OrderRequest,
): { message: string; record: string } | null {
  if (request.provisioningId !== null) return null;
  if (order.terminatedAt !== null) {
    return { message: CLOSED_MESSAGE, record: `order ${order.provisioningId} is terminated` };
  }
  if (!sameSkus(order.productSkus, request.productSkus)) {
    return { message: OTHER_ORDER_MESSAGE, record: `order ${order.provisioningId} has other SKUs` };
  }
  return null;
}
