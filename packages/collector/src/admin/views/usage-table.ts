import { isHeld } from '../../store/kept-relays.js';
import type { UsageLineView } from '../usage-data.js';
import { cut, plural, utcTime } from './format.js';
import { html, type SafeHtml } from './html.js';

// A marketplace refusal can be long: the cell shows its start, a tooltip the rest.
const SHOWN = 120;

const LATE =
  'Delivered after the month-end blackout began: it lands on the next bill, not this one.';
const UNCONFIRMED =
  'The marketplace may have recorded this report (a timeout, a 5xx or a lost connection). ' +
  "Check the buyer's bill: Confirm if it is there, Resend if it is not.";

function stateTitle(line: UsageLineView): string {
  if (line.state === 'sent (late)') return LATE;
  if (line.state === 'unconfirmed') return UNCONFIRMED;
  return line.state.length > SHOWN ? cut(line.state, 600) : '';
}

function reportState(line: UsageLineView): SafeHtml {
  const title = stateTitle(line);
  return html`<span class="report-state" data-state="${line.report?.status ?? 'none'}"${title ? html` title="${title}"` : ''}>${cut(line.state, SHOWN)}</span>`;
}

function reportRef(line: UsageLineView): SafeHtml | '' {
  const { report } = line;
  if (report === null) return '';
  const delivered = report.deliveredAt === null ? '' : html` · ${utcTime(report.deliveredAt)}`;
  return html`<span class="report-ref">report ${report.id} · ${plural(report.attempts, 'attempt')}${delivered}</span>`;
}

// Only an unconfirmed or a held report waits for an operator; a button elsewhere would only
// be refused. A held one is never sent: once billed by hand, the operator says so.
function actions(line: UsageLineView): SafeHtml | '' {
  const { report } = line;
  if (report !== null && isHeld(report)) {
    return html`<form method="post" action="/admin/usage/reports/${report.id}/confirm"><button type="submit">Billed by hand</button><small class="hint">nothing is sent</small></form>`;
  }
  if (report?.status !== 'unconfirmed') return '';
  const base = `/admin/usage/reports/${report.id}`;
  return html`<form method="post" action="${base}/confirm"><button type="submit">Confirm</button><small class="hint">it was billed</small></form>
<form method="post" action="${base}/resend" class="resend"><button type="submit">Resend</button><small class="hint">may bill the buyer twice</small></form>`;
}

/**
 * Usage per (period, order, SKU): the exact quantity, the events counted, and what became
 * of the report, with Confirm and Resend on unconfirmed ones.
 */
export function renderUsageTable(lines: readonly UsageLineView[], period: string | null): SafeHtml {
  if (lines.length === 0)
    return html`<p class="empty">${period === null ? 'No usage recorded yet. Your backend reports usage with POST /api/usage.' : `No usage counts in ${period}.`}</p>`;
  const rows = lines.map(
    (
      line,
    ) => html`<tr data-period="${line.period}" data-provisioning-id="${line.provisioningId}" data-sku="${line.sku}">
<td class="nowrap period" data-label="Period">${line.period}</td>
<td class="id" data-label="Provisioning ID"><code>${line.provisioningId}</code><span class="order-ref">customer ${line.customerId}</span></td>
<td class="id" data-label="SKU"><code>${line.sku}</code></td>
<td class="num quantity" data-label="Quantity">${line.quantity}</td>
<td class="num" data-label="Events">${line.events}</td>
<td data-label="Report">${reportState(line)}${reportRef(line)}</td>
<td class="actions action">${actions(line)}</td>
</tr>`,
  );
  return html`<div class="table-wrap"><table class="relays usage">
<thead><tr><th>Period</th><th>Provisioning ID</th><th>SKU</th><th class="num">Quantity</th><th class="num">Events</th><th>Report</th><th><span class="visually-hidden">Action</span></th></tr></thead>
<tbody>
${rows}
</tbody>
</table></div>`;
}
