import { numberText } from '../exact-json.js';
import { type BookOrder, type Books, type SkuBook, skuOf } from './books.js';
import { terminationDayProblem } from './calendar-day.js';
import { parseDecimal } from './exact-sum.js';
import { addUsage, endBilling, startBilling } from './ledger.js';

/**
 * What the marketplace refuses across calls, as the books show it, and what an accepted call
 * writes in them, dated `now` (the instant the call is recorded as received). Each check
 * returns why a call is refused (shown after the seed's "Invalid Input" message), or applies
 * the call and returns null: a refused call changes nothing.
 */
export type BooksEntry = (
  books: Books,
  body: Record<string, unknown>,
  exact: unknown,
  now: number,
) => string | null;

interface V2Call {
  providerKey: string;
  customerId: string;
  provisioningId: string;
  productId: number;
}

function keyError(books: Books, key: string): string | null {
  if (books.providerKey === undefined) {
    return 'the sandbox knows no provider key (start it with --provider-key or CLM_PROVIDER_KEY)';
  }
  return key === books.providerKey ? null : 'providerKey is not this provider’s key';
}

// The order a v2 call names, with its customer and product, or why it is refused.
function orderOf(books: Books, call: V2Call): BookOrder | string {
  const keyProblem = keyError(books, call.providerKey);
  if (keyProblem !== null) return keyProblem;
  const order = books.orders.get(call.provisioningId);
  if (order === undefined || order.api !== 'v2') {
    return `provisioningId ${call.provisioningId} is not an order this marketplace provisioned`;
  }
  if (call.customerId !== order.customerId) return 'customerId is not this order’s customer';
  if (call.productId !== order.productId) return 'productId is not this order’s product';
  return order;
}

// The books of each SKU, or why one is refused; `open`: it must not have ended.
function skusOf(order: BookOrder, skus: readonly string[], open: boolean): SkuBook[] | string {
  const books: SkuBook[] = [];
  for (const sku of skus) {
    const book = skuOf(order, sku);
    if (book === undefined) return `${sku} is not a SKU of this order`;
    if (open && book.endedAt !== null) return `${sku} has ended for this order`;
    books.push(book);
  }
  return books;
}

const v2Skus =
  (open: boolean, apply: (book: SkuBook, at: number) => void): BooksEntry =>
  (books, body, _exact, now) => {
    const order = orderOf(books, body as unknown as V2Call);
    if (typeof order === 'string') return order;
    const found = skusOf(order, body.productSkus as string[], open);
    if (typeof found === 'string') return found;
    for (const book of found) apply(book, now);
    return null;
  };

/** `/start-billing/`: SKUs of a known order that have not ended. */
export const startBillingEntry: BooksEntry = v2Skus(true, startBilling);

/** `/saas-usage/end`: SKUs of a known order; a repeated end changes nothing. */
export const usageEndEntry: BooksEntry = v2Skus(false, endBilling);

// A count exactly as the caller wrote it (the body's double may not be that number).
const countOf = (exact: unknown, field: string) => {
  const value = (exact as Record<string, unknown> | null)?.[field];
  const text = numberText(value);
  return text === null ? null : parseDecimal(text);
};

/** `/saas-usage/`: a SKU of a known order that has not ended; the count summed exactly. */
export const usageEntry: BooksEntry = (books, body, exact, now) => {
  const order = orderOf(books, body as unknown as V2Call);
  if (typeof order === 'string') return order;
  const found = skusOf(order, [body.productSku as string], true);
  if (typeof found === 'string') return found;
  const count = countOf(exact, 'usageCount');
  if (count === null) return 'usageCount must be a number';
  for (const book of found) addUsage(book, count, now);
  return null;
};

/**
 * v1's `/update-subscription/` (seed 003): a SKU of an order the marketplace provisioned under
 * v1 (its coid), not expired; `count` is usage on the bill, `expired` ends the SKU on the
 * `expired-date` given (from the order's day to today, in Chicago), received now.
 */
export const updateSubscriptionEntry: BooksEntry = (books, body, exact, now) => {
  const keyProblem = keyError(books, String(body.providerkey));
  if (keyProblem !== null) return keyProblem.replace('providerKey', 'providerkey');
  const order = books.orders.get(String(body.coid));
  if (order === undefined || order.api !== 'v1') {
    return `coid ${String(body.coid)} is not an account this marketplace provisioned`;
  }
  const found = skusOf(order, [String(body.sku)], true);
  if (typeof found === 'string') return found;
  const count = body.count === undefined ? undefined : countOf(exact, 'count');
  if (count === null) return 'count must be a number';
  const endedOn = body.expired === true ? String(body['expired-date']) : null;
  if (endedOn !== null) {
    const dayProblem = terminationDayProblem(endedOn, order.orderedAt, now);
    if (dayProblem !== null) return dayProblem;
  }
  for (const book of found) {
    if (count !== undefined) addUsage(book, count, now);
    if (endedOn !== null) endBilling(book, now, endedOn);
  }
  return null;
};
