import { modelOf, type SkuBilling, scheduledStart } from '../orders/billing-models.js';
import type { AdminStore, Order, OrdersStore, Relay } from '../store/types.js';
import { blackoutAt, MARKETPLACE_ZONE, periodOf } from '../time/calendar.js';
import type { BilledLine } from '../usage/billed-line.js';
import { formatMicros, readQuantity } from '../usage/decimal.js';
import { type ReconciliationCall, reconciliationCall } from './reconciliation-calls.js';

/**
 * What the collector knows was billed on one order's SKU in one month, as the marketplace's
 * ledger line has it: its delivered reports, its delivered start (or the one its model
 * schedules), its delivered end.
 */
export type ReconciliationLine = BilledLine;

/** The reconciliation export: the ledger lines, then every billing call with its state. */
export interface Reconciliation {
  lines: ReconciliationLine[];
  calls: ReconciliationCall[];
}

const PAGE = 1000;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const earliest = (a: number | null, b: number | null) =>
  a === null ? b : b === null ? a : Math.min(a, b);
const countJson = (text: string) => (String(Number(text)) === text ? Number(text) : text);

function microsOf(call: ReconciliationCall): bigint {
  const quantity = call.usageCount === null ? null : readQuantity(call.usageCount);
  return quantity?.ok ? quantity.micros : 0n;
}

// The month lines of one SKU: its billing start's, each delivered report's, its end's.
function skuLines(
  order: Order,
  sku: string,
  calls: readonly ReconciliationCall[],
  billing: SkuBilling,
): ReconciliationLine[] {
  const delivered = calls.filter((call) => call.state === 'delivered');
  const at = (record: ReconciliationCall['record']) =>
    delivered
      .filter((call) => call.record === record && call.sentAt !== null)
      .reduce<number | null>((first, call) => earliest(first, Date.parse(call.sentAt ?? '')), null);
  const startedAt = earliest(scheduledStart(modelOf(billing, sku), order.createdAt), at('start'));
  const endedAt = at('end');
  const reports = delivered.filter((call) => call.record === 'usage');
  const months = new Set(reports.map((call) => call.period ?? ''));
  for (const ms of [startedAt, endedAt])
    if (ms !== null) months.add(periodOf(ms, MARKETPLACE_ZONE));
  return [...months].sort().map((period) => {
    const onLine = reports.filter((call) => call.period === period);
    const micros = onLine.reduce((sum, call) => sum + microsOf(call), 0n);
    return {
      provisioningId: order.provisioningId,
      customerId: order.customerId,
      productSku: sku,
      period,
      billingStartedAt: iso(startedAt),
      usageCount: countJson(formatMicros(micros)),
      reports: onLine.length,
      lateReports: onLine.filter((call) => blackoutAt(Date.parse(call.sentAt ?? '')) !== null)
        .length,
      endedAt: iso(endedAt),
    };
  });
}

/**
 * The reconciliation of `orders` (oldest first) from their billing calls: per order, SKU
 * and billed month what the marketplace's ledger should show, then every call. `period`
 * keeps one billed month: its lines, the calls billed on it, and the calls not billed
 * (pending, dead, held) of that usage period.
 */
export function buildReconciliation(
  orders: readonly Order[],
  relays: readonly Relay[],
  billing: SkuBilling,
  period?: string,
): Reconciliation {
  const calls = relays.flatMap((relay) => reconciliationCall(relay) ?? []);
  // Grouped once: a collector's orders times its calls would be too many to scan.
  const bySku = new Map<string, ReconciliationCall[]>();
  const keyOf = (provisioningId: string, sku: string) => JSON.stringify([provisioningId, sku]);
  for (const call of calls) {
    const key = keyOf(call.provisioningId, call.productSku);
    const group = bySku.get(key);
    if (group) group.push(call);
    else bySku.set(key, [call]);
  }
  const lines = orders.flatMap((order) =>
    order.skus.flatMap(({ sku }) =>
      skuLines(order, sku, bySku.get(keyOf(order.provisioningId, sku)) ?? [], billing),
    ),
  );
  if (period === undefined) return { lines, calls };
  return {
    lines: lines.filter((line) => line.period === period),
    calls: calls.filter((call) => (call.period ?? call.usagePeriod) === period),
  };
}

/** Reads every order and its billing calls and reconciles them (see {@link buildReconciliation}). */
export async function loadReconciliation(
  store: Pick<AdminStore, 'pageRelays'> & Pick<OrdersStore, 'listOrders'>,
  billing: SkuBilling,
  period?: string,
): Promise<Reconciliation> {
  const orders = (await store.listOrders({ limit: Number.MAX_SAFE_INTEGER })).reverse();
  const relays: Relay[] = [];
  for (let afterId = 0; ; ) {
    const page = await store.pageRelays({ afterId, limit: PAGE, ordersOnly: true });
    relays.push(...page);
    const last = page.at(-1);
    if (last === undefined || page.length < PAGE) break;
    afterId = last.id;
  }
  return buildReconciliation(orders, relays, billing, period);
}
