import { billingLabel, endCallLabel, type SkuView } from '../order-labels.js';
import type { OrderView } from '../orders-data.js';
import { cut, utcTime } from './format.js';
import { html, type SafeHtml } from './html.js';

/** Whether an order has a SKU whose billing the Start billing button would start. */
export function canStartBilling(order: OrderView): boolean {
  return (
    order.terminatedAt === null &&
    order.skus.some((sku) => sku.endedAt === null && sku.billing.state === 'not-requested')
  );
}

// A marketplace refusal can be long: the cell shows its start, a tooltip the rest.
const SHOWN = 120;
const tooltip = (label: string) => (label.length > SHOWN ? html` title="${cut(label, 600)}"` : '');

function billingState(sku: SkuView): SafeHtml {
  const label = billingLabel(sku.billing);
  return html`<span class="billing-state" data-sku="${sku.sku}" data-state="${sku.billing.state}"${tooltip(label)}>${cut(label, SHOWN)}</span>`;
}

function endState(sku: SkuView): SafeHtml {
  if (sku.endedAt === null) return html`<span class="end-state" data-state="active">active</span>`;
  const label = endCallLabel(sku.end);
  return html`<span class="end-state" data-state="${sku.end.state}"${tooltip(label)}>ended ${utcTime(sku.endedAt)} · ${cut(label, SHOWN)}</span>`;
}

function skuList(order: OrderView): SafeHtml {
  const items = order.skus.map(
    (sku) =>
      html`<li><code class="sku">${sku.sku}</code> ${billingState(sku)} ${endState(sku)}</li>`,
  );
  return html`<ul class="skus">${items}</ul>`;
}

function startBillingForm(order: OrderView, offered: boolean): SafeHtml | '' {
  if (!offered || !canStartBilling(order)) return '';
  const action = `/admin/orders/${encodeURIComponent(order.provisioningId)}/start-billing`;
  return html`<form method="post" action="${action}"><button type="submit">Start billing</button></form>`;
}

/**
 * The newest orders, one row each: their SKUs' billing and end, and Start billing unless
 * `billingStart` is false (the v1 API has none).
 */
export function renderOrdersTable(
  orders: readonly OrderView[],
  { billingStart = true }: { billingStart?: boolean } = {},
): SafeHtml {
  if (orders.length === 0)
    return html`<p class="empty">No orders yet. The marketplace calls POST /marketplace/provision when a buyer orders.</p>`;
  const rows = orders.map((order) => {
    const terminated = order.terminatedAt !== null;
    return html`<tr data-provisioning-id="${order.provisioningId}"${terminated ? html` class="terminated"` : ''}>
<td class="id" data-label="Provisioning ID"><code>${order.provisioningId}</code>${terminated ? html` <span class="badge badge-terminated">terminated</span>` : ''}</td>
<td data-label="Created (UTC)">${utcTime(order.createdAt)}</td>
<td class="customer" data-label="Customer ID">${order.customerId}</td>
<td class="num" data-label="Product">${order.productId}</td>
<td data-label="SKUs">${skuList(order)}</td>
<td class="action">${startBillingForm(order, billingStart)}</td>
</tr>`;
  });
  return html`<div class="table-wrap"><table class="relays orders">
<thead><tr><th>Provisioning ID</th><th>Created (UTC)</th><th>Customer ID</th><th class="num">Product</th><th>SKUs: billing · end</th><th><span class="visually-hidden">Action</span></th></tr></thead>
<tbody>
${rows}
</tbody>
</table></div>`;
}
