import type { Relay, RelayKind, RelayStatus } from '../../store/types.js';
import { cut, utcTime as utc } from './format.js';
import { html, type SafeHtml } from './html.js';

const STATUS_LABELS: Record<RelayStatus, string> = {
  pending: 'Pending',
  in_flight: 'Sending',
  delivered: 'Relayed',
  dead: 'Dead-lettered',
  unconfirmed: 'Unconfirmed',
};

// The marketplace endpoint each kind calls, as its documentation names it.
const KIND_LABELS: Record<RelayKind, string> = {
  saas_tracking: 'SaasTracking',
  start_billing: 'start-billing',
  usage_report: 'usage',
  usage_end: 'end',
};

const orNone = (value: string | null) => value ?? html`<span class="muted">–</span>`;

// Order calls carry no service name; the order and SKU say what they are about.
function customer(relay: Relay): SafeHtml {
  const order =
    relay.orderId === null
      ? ''
      : html`<span class="order-ref">order ${relay.orderId}${relay.sku === null ? '' : html` · ${relay.sku}`}</span>`;
  return html`<td class="customer">${relay.customerId}${order}</td>`;
}

function lastResponse(relay: Relay): SafeHtml {
  if (relay.attempts === 0) return html`<span class="muted">not tried yet</span>`;
  const full = [relay.lastError, relay.lastBody].filter(Boolean).join('\n');
  // A failure's reason already names the status; a success shows status and body.
  const status =
    relay.lastStatus !== null && !relay.lastError?.includes(`HTTP ${relay.lastStatus}`)
      ? html`<code>HTTP ${relay.lastStatus}</code> `
      : '';
  const detail = relay.lastError ?? relay.lastBody ?? '';
  return html`<span class="response" title="${cut(full, 600)}">${status}${cut(detail, 90)}</span>`;
}

function retryForm(relay: Relay, days: number): SafeHtml {
  if (relay.status !== 'dead') return html``;
  return html`<form method="post" action="/admin/relays/replay"><input type="hidden" name="ids" value="${relay.id}"><input type="hidden" name="days" value="${days}"><button type="submit" class="small">Retry</button></form>`;
}

/**
 * The newest relays of every kind, one row each, with a Retry button on dead-lettered ones.
 */
export function renderRelaysTable(relays: readonly Relay[], days: number): SafeHtml {
  if (relays.length === 0)
    return html`<p class="empty">No purchases or order calls have been queued for relay yet.</p>`;
  const rows = relays.map(
    (relay) => html`<tr data-relay-id="${relay.id}" data-status="${relay.status}">
<td class="num">${relay.id}</td>
<td>${utc(relay.createdAt)}</td>
<td class="nowrap" data-kind="${relay.kind}">${KIND_LABELS[relay.kind]}</td>
<td class="nowrap">${orNone(relay.serviceName)}</td>
<td>${relay.purchasedAt === null ? orNone(null) : utc(relay.purchasedAt)}</td>
${customer(relay)}
<td><span class="badge badge-${relay.status}">${STATUS_LABELS[relay.status]}</span></td>
<td class="num">${relay.attempts}</td>
<td>${lastResponse(relay)}</td>
<td>${utc(relay.deliveredAt)}</td>
<td>${retryForm(relay, days)}</td>
</tr>`,
  );
  return html`<div class="table-wrap"><table class="relays">
<thead><tr><th class="num">ID</th><th>Created (UTC)</th><th>Kind</th><th>Service</th><th>Purchased at (UTC)</th><th>Customer ID</th><th>Status</th><th class="num">Attempts</th><th>Last response</th><th>Relayed at (UTC)</th><th><span class="visually-hidden">Action</span></th></tr></thead>
<tbody>
${rows}
</tbody>
</table></div>`;
}
