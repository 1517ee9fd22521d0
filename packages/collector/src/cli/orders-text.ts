import { billingStatus, endCallLabel, type SkuView } from '../admin/order-labels.js';
import type { FailureView, OrderView } from '../admin/orders-data.js';
import { providerMessage } from '../admin/provider-message.js';
import type { OrdersReport } from './orders-report.js';
import { oneLine, table, utc } from './table.js';

/** Failed provisioning attempts printed below the orders. */
export const FAILURES_PRINTED = 10;

/**
 * `SKU-A billing`, `SKU-B failed: HTTP 400…`, `SKU-C ended 2026-12-07 10:42:00 UTC (end
 * sent)`, `SKU-D billing starts 2026-08-01 00:00 CDT (next-month)`. An ended SKU never
 * reads as billing.
 */
export function skuSummary(sku: SkuView): string {
  const name = oneLine(sku.sku, 60);
  if (sku.endedAt !== null)
    return `${name} ended ${utc(sku.endedAt)} UTC (${oneLine(endCallLabel(sku.end), 60)})`;
  return `${name} ${oneLine(billingStatus(sku).label, 90)}`;
}

const orderRow = (order: OrderView) => [
  oneLine(order.provisioningId, 40),
  utc(order.createdAt),
  oneLine(order.customerId, 30),
  String(order.productId),
  order.terminatedAt === null ? 'active' : 'terminated',
  order.skus.map(skuSummary).join(', '),
];

const failureRow = (failure: FailureView) => [
  utc(failure.at),
  oneLine(failure.provisioningId, 40),
  String(failure.productId),
  oneLine(failure.productSkus.join(', '), 40),
  failure.outcome,
  failure.status === null ? '-' : `HTTP ${failure.status}`,
  oneLine(providerMessage(failure.message), 80),
];

/** The human-readable `orders` report; `limit` is how many orders were asked for. */
export function renderOrders(report: OrdersReport, limit: number): string {
  const { orders, failures, failureCount } = report;
  const lines = [`database: ${report.database}`];
  if (orders.length === 0)
    lines.push(
      'orders:   none yet (the marketplace calls POST /marketplace/provision when a buyer orders)',
    );
  else
    lines.push(
      `orders:   ${orders.length}${orders.length >= limit ? ` (the newest ${limit}; see --limit)` : ''}`,
      table([
        ['provisioning id', 'created (UTC)', 'customer', 'product', 'state', 'SKUs'],
        ...orders.map(orderRow),
      ]),
    );
  lines.push(`failed provisioning attempts: ${failureCount}`);
  const shown = failures.slice(0, FAILURES_PRINTED);
  if (shown.length > 0)
    lines.push(
      ...(shown.length < failureCount ? [`newest ${shown.length}:`] : []),
      table([
        ['time (UTC)', 'provisioning id', 'product', 'SKUs', 'outcome', 'status', 'answer'],
        ...shown.map(failureRow),
      ]),
    );
  return `${lines.join('\n')}\n`;
}
