import type { RelayKind } from '../../relay-kinds.js';
import { isHeld, isKept, isSuperseded, isWrittenOff } from '../../store/kept-relays.js';
import type { Relay, RelayStatus } from '../../store/types.js';
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

// A row of a kind this collector no longer has is shown by its stored name.
const kindLabel = (kind: string) => (KIND_LABELS as Record<string, string>)[kind] ?? kind;

const orNone = (value: string | null) => value ?? html`<span class="muted">–</span>`;

// Who reported a purchase: a beacon can come from anyone who knows the public provider key,
// the API only from the provider's backend. Order calls always come from the API.
function source(relay: Relay): SafeHtml {
  if (relay.kind !== 'saas_tracking') return html`<td data-label="Source">${orNone(null)}</td>`;
  return relay.source === 'api'
    ? html`<td class="nowrap" data-label="Source" data-source="api" title="reported by your backend (POST /api/purchases)">API</td>`
    : html`<td class="nowrap" data-label="Source" data-source="beacon" title="reported by a purchase beacon, which anyone can send">Beacon</td>`;
}

// Order calls carry no service name; the order and SKU say what they are about.
function customer(relay: Relay): SafeHtml {
  const order =
    relay.orderId === null
      ? ''
      : html`<span class="order-ref">order ${relay.orderId}${relay.sku === null ? '' : html` · ${relay.sku}`}</span>`;
  return html`<td class="customer" data-label="Customer ID">${relay.customerId}${order}</td>`;
}

// What the marketplace last answered, in words; the raw status and body are in the tooltip.
function lastResponse(relay: Relay): SafeHtml {
  if (relay.attempts === 0) return html`<span class="muted">not tried yet</span>`;
  const status = relay.lastStatus === null ? '' : `HTTP ${relay.lastStatus}`;
  const title = cut([status, relay.lastError, relay.lastBody].filter(Boolean).join('\n'), 600);
  if (relay.lastError === null && relay.lastStatus !== null && relay.lastStatus < 300) {
    return html`<span class="response ok" title="${title}">Accepted (${status})</span>`;
  }
  // A failure's reason usually names the status already.
  const prefix = status && !relay.lastError?.includes(status) ? `${status}: ` : '';
  const detail = relay.lastError ?? relay.lastBody ?? 'no answer';
  return html`<span class="response" title="${title}">${prefix}${cut(detail, 90)}</span>`;
}

// The status, when it was relayed, and for a dead letter the button that retries it.
function status(relay: Relay, days: number): SafeHtml {
  const at =
    relay.deliveredAt === null
      ? ''
      : html`<span class="status-at">${utc(relay.deliveredAt)}</span>`;
  return html`<td data-label="Status"><span class="badge badge-${isKept(relay) ? 'kept' : relay.status}">${statusLabel(relay)}</span>${at}${retryForm(relay, days)}</td>`;
}

// A relay kept dead on purpose is no failure to retry: its badge says what it is.
function statusLabel(relay: Relay): string {
  if (isHeld(relay)) return 'Held';
  if (isSuperseded(relay)) return 'Superseded';
  if (isWrittenOff(relay)) return 'Written off';
  return STATUS_LABELS[relay.status];
}

function retryForm(relay: Relay, days: number): SafeHtml {
  // A held usage report, a superseded start or a written-off call is never sent: a replay
  // leaves it as it is.
  if (relay.status !== 'dead' || isKept(relay)) return html``;
  const form = (action: string, label: string) =>
    html`<form method="post" action="/admin/relays/${action}"><input type="hidden" name="ids" value="${relay.id}"><input type="hidden" name="days" value="${days}"><button type="submit" class="small">${label}</button></form>`;
  // A billing call may be given up on instead (a confirm page first): never sent, not billed.
  return relay.orderId === null
    ? form('replay', 'Retry')
    : html`${form('replay', 'Retry')}${form('write-off', 'Write off')}`;
}

/**
 * The newest relays of every kind, one row each, with a Retry button on dead-lettered ones
 * (and Write off on dead billing calls).
 */
export function renderRelaysTable(relays: readonly Relay[], days: number): SafeHtml {
  if (relays.length === 0)
    return html`<p class="empty">No purchases or order calls have been queued for relay yet.</p>`;
  const rows = relays.map(
    (relay) => html`<tr data-relay-id="${relay.id}" data-status="${relay.status}">
<td class="num" data-label="ID">${relay.id}</td>
<td data-label="Created (UTC)">${utc(relay.createdAt)}</td>
<td class="nowrap" data-label="Kind" data-kind="${relay.kind}">${kindLabel(relay.kind)}</td>
<td class="nowrap" data-label="Service">${orNone(relay.serviceName)}</td>
<td data-label="Purchased (UTC)">${relay.purchasedAt === null ? orNone(null) : utc(relay.purchasedAt)}</td>
${source(relay)}
${customer(relay)}
${status(relay, days)}
<td class="num" data-label="Attempts">${relay.attempts}</td>
<td data-label="Last response">${lastResponse(relay)}</td>
</tr>`,
  );
  return html`<div class="table-wrap"><table class="relays">
<thead><tr><th class="num">ID</th><th>Created (UTC)</th><th>Kind</th><th>Service</th><th>Purchased at (UTC)</th><th>Source</th><th>Customer ID</th><th>Status (relayed at, UTC)</th><th class="num">Attempts</th><th>Last response</th></tr></thead>
<tbody>
${rows}
</tbody>
</table></div>`;
}
