import type { Clock } from '../clock.js';
import { type BillingModel, scheduledStart } from '../orders/billing-models.js';
import type { Decimal } from './exact-sum.js';
import { DEFAULT_BILLING_START } from './product.js';

/** Which marketplace API the sandbox speaks: seed 002's SaaS v2 or seed 003's v1. */
export type MarketplaceApi = 'v2' | 'v1';

/** One usage report the marketplace accepted, as it lands on the bill. */
export interface UsageEntry {
  at: number;
  /** The month of the bill it lands on (`YYYY-MM`). */
  period: string;
  count: Decimal;
  /** Sent inside the month-end blackout: accepted, flagged. */
  late: boolean;
  /** Sent before the SKU's billing started: accepted and billed, flagged on the Bill page. */
  beforeStart: boolean;
  /**
   * A count below zero: accepted (what the real marketplace does with one is unknown) and
   * summed, so it reduces the bill; flagged on the ledger and the Bill page.
   */
  negative: boolean;
}

/** The books of one SKU of an order. */
export interface SkuBook {
  sku: string;
  start: BillingModel;
  /** When billing starts or started: scheduled by the model, or the first start call. */
  billingStartedAt: number | null;
  endedAt: number | null;
  /** The day the customer terminated, as the provider gave it (v1's `expired-date`). */
  endedOn: string | null;
  usage: UsageEntry[];
}

/** An order the marketplace provisioned, with its books. */
export interface BookOrder {
  provisioningId: string;
  customerId: string;
  productId: number;
  productSkus: string[];
  orderedAt: number;
  api: MarketplaceApi;
  skus: SkuBook[];
}

/** What the marketplace knows: the provider's key and the orders it provisioned. */
export interface Books {
  /** Undefined when the sandbox was given none: every provider call is then refused. */
  providerKey: string | undefined;
  api: MarketplaceApi;
  clock: Clock;
  /** Each SKU's billing start model; SKUs not listed are manual. */
  billing: ReadonlyMap<string, BillingModel>;
  orders: Map<string, BookOrder>;
}

/** What registers an order: the sandbox's Buy, or `POST /_sandbox/orders`. */
export interface NewOrder {
  provisioningId: string;
  customerId: string;
  productId: number;
  productSkus: string[];
  orderedAt: number;
}

// The same order, its SKUs in any order (as the collector recognises a repeat).
const sameOrder = (a: BookOrder, b: NewOrder) =>
  a.customerId === b.customerId &&
  a.productId === b.productId &&
  [...a.productSkus].sort().join('\n') === [...b.productSkus].sort().join('\n');

/**
 * Enters an order in the books, each SKU's billing start scheduled by its model (v1 has no
 * billing start: its SKUs bill from the order). The same order again changes nothing;
 * another order under a known provisioningId is refused (`conflict`).
 */
export function registerOrder(books: Books, order: NewOrder): BookOrder | 'conflict' {
  const known = books.orders.get(order.provisioningId);
  if (known !== undefined) return sameOrder(known, order) ? known : 'conflict';
  const skus = [...new Set(order.productSkus)].map((sku): SkuBook => {
    const start = books.api === 'v1' ? { kind: 'immediate' as const } : modelOf(books, sku);
    return {
      sku,
      start,
      billingStartedAt: scheduledStart(start, order.orderedAt),
      endedAt: null,
      endedOn: null,
      usage: [],
    };
  });
  const entry: BookOrder = { ...order, productSkus: [...order.productSkus], api: books.api, skus };
  books.orders.set(order.provisioningId, entry);
  return entry;
}

/** The billing start model of a SKU. */
export const modelOf = (books: Books, sku: string): BillingModel =>
  books.billing.get(sku) ?? DEFAULT_BILLING_START;

/** The books of one SKU of an order (undefined when the order has no such SKU). */
export const skuOf = (order: BookOrder, sku: string): SkuBook | undefined =>
  order.skus.find((book) => book.sku === sku);
