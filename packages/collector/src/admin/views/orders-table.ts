import { billingStatus, endCallLabel, type SkuView } from '../order-labels.js';
import type { OrderView } from '../orders-data.js';
import { cut, utcTime } from './format.js';
import { html, type SafeHtml } from './html.js';

/** Whether an order has a SKU whose billing the Start billing button would start: a manual one. */
export function canStartBilling(order: OrderView): boolean {
  return (
    order.terminatedAt === null &&
    order.skus.some(
      (sku) =>
        sku.billingModel === 'manual' &&
        sku.endedAt === null &&
        sku.billing.state === 'not-requested',
    )
  );
}

/**
 * Whether a SKU gets a Start now button: the marketplace would start it by itself later
 * (a delay or next month), and it has not started, ended or been asked to start yet.
 */
export const canStartNow = (order: OrderView, sku: SkuView): boolean =>
  order.terminatedAt === null && billingStatus(sku).state === 'scheduled';

// A marketplace refusal can be long: the cell shows its start, a tooltip the rest.
const SHOWN = 120;
const tooltip = (label: string) => (label.length > SHOWN ? html` title="${cut(label, 600)}"` : '');

function billingState(sku: SkuView): SafeHtml {
  const { state, label } = billingStatus(sku);
  return html`<span class="billing-state" data-sku="${sku.sku}" data-state="${state}"${tooltip(label)}>${cut(label, SHOWN)}</span>`;
}

const startBillingAction = (order: OrderView) =>
  `/admin/orders/${encodeURIComponent(order.provisioningId)}/start-billing`;

// Names the SKU: Start billing's default leaves the scheduled ones to their schedule.
function startNowForm(order: OrderView, sku: SkuView, offered: boolean): SafeHtml | '' {
  if (!offered || !canStartNow(order, sku)) return '';
  return html`<form class="start-now" method="post" action="${startBillingAction(order)}"><input type="hidden" name="skus" value="${sku.sku}"><button type="submit">Start now</button></form>`;
}

// An ended SKU reads as ended, in the neutral end-state style: no billing chip beside it,
// since a green "billing" would say the marketplace still bills it.
function endedState(sku: SkuView, endedAt: string): SafeHtml {
  const label = endCallLabel(sku.end);
  return html`<span class="end-state" data-sku="${sku.sku}" data-state="${sku.end.state}"${tooltip(label)}>ended ${utcTime(endedAt)} · ${cut(label, SHOWN)}</span>`;
}

function skuItem(order: OrderView, sku: SkuView, offered: boolean): SafeHtml {
  const name = html`<code class="sku">${sku.sku}</code>`;
  if (sku.endedAt !== null) return html`<li>${name} ${endedState(sku, sku.endedAt)}</li>`;
  const active = html`<span class="end-state" data-state="active">active</span>`;
  return html`<li>${name} ${billingState(sku)} ${startNowForm(order, sku, offered)} ${active}</li>`;
}

function skuList(order: OrderView, offered: boolean): SafeHtml {
  const items = order.skus.map((sku) => skuItem(order, sku, offered));
  return html`<ul class="skus">${items}</ul>`;
}

function startBillingForm(order: OrderView, offered: boolean): SafeHtml | '' {
  if (!offered || !canStartBilling(order)) return '';
  return html`<form method="post" action="${startBillingAction(order)}"><button type="submit">Start billing</button></form>`;
}

/**
 * The newest orders, one row each: their SKUs' billing and end, and Start billing (manual
 * SKUs) and Start now (scheduled ones) unless `billingStart` is false (the v1 API has none).
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
<td data-label="SKUs">${skuList(order, billingStart)}</td>
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
