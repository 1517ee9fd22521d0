import { blackoutAt, MARKETPLACE_ZONE, periodOf } from '../time/calendar.js';
import type { BilledLine } from '../usage/billed-line.js';
import { billedMonth } from '../usage/billed-month.js';
import type { Books, SkuBook } from './books.js';
import { addDecimal, type Decimal, decimalJson, ZERO } from './exact-sum.js';

/** Adds a usage report to a SKU's books; inside the blackout, or negative, it is accepted and flagged. */
export function addUsage(book: SkuBook, count: Decimal, at: number): void {
  book.usage.push({
    at,
    period: billedMonth(at),
    count,
    late: blackoutAt(at) !== null,
    beforeStart: book.billingStartedAt === null || at < book.billingStartedAt,
    negative: count.digits < 0n,
  });
}

/** A start call starts billing now, unless it started (or is scheduled to start) earlier. */
export function startBilling(book: SkuBook, at: number): void {
  if (book.billingStartedAt === null || at < book.billingStartedAt) book.billingStartedAt = at;
}

/** The end of a SKU's billing (`on`: the termination day given); a repeated end keeps the first. */
export function endBilling(book: SkuBook, at: number, on: string | null = null): void {
  if (book.endedAt !== null) return;
  book.endedAt = at;
  book.endedOn = on;
}

/** One line of `GET /_sandbox/ledger`: an order's SKU in one month. */
export interface LedgerLine extends BilledLine {
  /** Of its reports, how many had a count below zero (accepted, they reduce the bill). */
  negativeReports: number;
  /** The day the customer terminated as the provider gave it (v1's `expired-date`), else null. */
  endedOn: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The months a SKU has a line in: its billing start's, each report's, its end's. */
function periodsOf(book: SkuBook): string[] {
  const periods = new Set(book.usage.map((entry) => entry.period));
  for (const at of [book.billingStartedAt, book.endedAt]) {
    if (at !== null) periods.add(periodOf(at, MARKETPLACE_ZONE));
  }
  return [...periods].sort();
}

/** The lines of one SKU of an order, oldest month first. */
export function skuLines(
  order: { provisioningId: string; customerId: string },
  book: SkuBook,
): LedgerLine[] {
  return periodsOf(book).map((period) => {
    const entries = book.usage.filter((entry) => entry.period === period);
    const sum = entries.reduce<Decimal>((total, entry) => addDecimal(total, entry.count), ZERO);
    return {
      provisioningId: order.provisioningId,
      customerId: order.customerId,
      productSku: book.sku,
      period,
      billingStartedAt: iso(book.billingStartedAt),
      usageCount: decimalJson(sum),
      reports: entries.length,
      lateReports: entries.filter((entry) => entry.late).length,
      negativeReports: entries.filter((entry) => entry.negative).length,
      endedAt: iso(book.endedAt),
      endedOn: book.endedOn,
    };
  });
}

/** Every line of the books: orders as registered, then their SKUs, then months. */
export function ledgerLines(books: Books): LedgerLine[] {
  return [...books.orders.values()].flatMap((order) =>
    order.skus.flatMap((book) => skuLines(order, book)),
  );
}
