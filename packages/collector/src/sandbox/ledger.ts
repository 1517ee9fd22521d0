import { blackout, blackoutAt, MARKETPLACE_ZONE, nextPeriod, periodOf } from '../time/calendar.js';
import type { Books, SkuBook } from './books.js';
import { addDecimal, type Decimal, decimalJson, ZERO } from './exact-sum.js';

/**
 * The bill a usage report arriving at `ms` lands on: its month in Chicago, except that after
 * 18:00 "CST" on the last day (the blackout's end, UTC-6 read literally) it is next month's.
 */
export function usagePeriod(ms: number): string {
  const period = periodOf(ms, MARKETPLACE_ZONE);
  return ms >= blackout(period).end ? nextPeriod(period) : period;
}

/** Adds a usage report to a SKU's books; inside the blackout, or negative, it is accepted and flagged. */
export function addUsage(book: SkuBook, count: Decimal, at: number): void {
  book.usage.push({
    at,
    period: usagePeriod(at),
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
export interface LedgerLine {
  provisioningId: string;
  customerId: string;
  productSku: string;
  period: string;
  /** The SKU's billing start (the same on each of its lines); null while it has none. */
  billingStartedAt: string | null;
  /** The month's usage, summed exactly: a JSON number when a double holds it, else a string. */
  usageCount: number | string;
  /** Usage reports on this line. */
  reports: number;
  /** Of those, how many arrived in the month-end blackout. */
  lateReports: number;
  /** Of those, how many had a count below zero (accepted, they reduce the bill). */
  negativeReports: number;
  /** The SKU's end (the same on each of its lines); null while it runs. */
  endedAt: string | null;
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
