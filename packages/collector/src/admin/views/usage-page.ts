import { nextPeriod } from '../../time/calendar.js';
import { LINES_SHOWN, type OpenPeriodView, type UsageView } from '../usage-data.js';
import { spanLabel, utcLabel, zonedLabel } from '../zoned-time.js';
import { plural } from './format.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';
import { pageNav, signOutForm } from './page-nav.js';
import { renderUsageTable } from './usage-table.js';

/** What the last action on the Usage page did, told once after its redirect. */
export type UsageFlash =
  | { action: 'confirmed' | 'resent' | 'repeated'; id: number }
  | { action: 'already-closed' }
  | { action: 'closed'; period: string; periods: number; reports: number; early: boolean };

type ClosedFlash = Extract<UsageFlash, { action: 'closed' }>;

function closedText(flash: ClosedFlash): string {
  const what =
    flash.periods === 1 ? flash.period : `${flash.periods} periods through ${flash.period}`;
  const queued =
    flash.reports === 0
      ? 'no usage, so no report was queued.'
      : `${plural(flash.reports, 'usage report')} queued; the relay worker is sending ${flash.reports === 1 ? 'it' : 'them'} now.`;
  return `Closed ${what}${flash.early ? ' early' : ''}: ${queued} Later usage counts in ${nextPeriod(flash.period)}.`;
}

function notice(flash: UsageFlash | undefined): SafeHtml | '' {
  if (flash === undefined) return '';
  if (flash.action === 'already-closed' || flash.action === 'repeated') {
    const what =
      flash.action === 'already-closed'
        ? 'that period was closed by this confirmation before'
        : `usage report ${flash.id} is no longer waiting to be resent (its state is below)`;
    return html`<p class="notice" role="status"><strong>Already done:</strong> ${what}; nothing more was sent.</p>`;
  }
  const text =
    flash.action === 'closed'
      ? closedText(flash)
      : flash.action === 'confirmed'
        ? `Usage report ${flash.id} marked sent: recorded that the marketplace billed it.`
        : `Usage report ${flash.id} queued again; the relay worker is sending it now. If the marketplace had recorded the first attempt, the buyer is billed twice.`;
  return html`<p class="notice" role="status">${text}</p>`;
}

function unconfirmedAlert(count: number): SafeHtml | '' {
  if (count === 0) return '';
  const verb = count === 1 ? 'is' : 'are';
  return html`<p class="alert usage-alert" role="alert"><strong>${plural(count, 'usage report')} ${verb} unconfirmed:</strong> the marketplace may have billed ${count === 1 ? 'it' : 'them'}. Check the buyer's bill, then Confirm (it was billed) or Resend (it was not; resending may bill twice).</p>`;
}

function heldAlert(count: number): SafeHtml | '' {
  if (count === 0) return '';
  const verb = count === 1 ? 'is' : 'are';
  return html`<p class="alert usage-alert" role="alert"><strong>${plural(count, 'usage report')} ${verb} held:</strong> ${count === 1 ? 'its count has' : 'their counts have'} more significant digits than the marketplace's JSON number carries exactly, so the collector never sends ${count === 1 ? 'it' : 'them'} (the buyer would be billed a rounded count). Settle ${count === 1 ? 'it' : 'them'} with the marketplace by hand, then press Billed by hand (or run <code>clm-collector usage confirm &lt;id&gt;</code>): nothing is sent.</p>`;
}

const when = (iso: string, zone: string) => {
  const ms = Date.parse(iso);
  return html`<time datetime="${iso}">${zonedLabel(ms, zone)}</time> <span class="muted">(${utcLabel(ms)})</span>`;
};

function openCard(open: OpenPeriodView, zone: string): SafeHtml {
  const start = Date.parse(open.blackout.start);
  const end = Date.parse(open.blackout.end);
  const blackout = html`<p>Month-end blackout: <time datetime="${open.blackout.start}">${spanLabel(zonedLabel(start, zone), zonedLabel(end, zone))}</time> <span class="muted">(${spanLabel(utcLabel(start), utcLabel(end))})</span>: no usage report is sent in it; one not sent before waits for its end and is marked late.</p>`;
  const close = open.begun
    ? html`<form method="post" action="/admin/usage/close" class="close-month"><button type="submit">Close the month now</button></form>`
    : '';
  const explain = open.begun
    ? `Close the month now closes ${open.period} ${open.overdue ? '' : 'early '}and queues one report per order and SKU with usage; usage arriving later counts in ${nextPeriod(open.period)}.`
    : `${open.period} has not begun: the month before it was closed early. It can be closed once it begins.`;
  const closes = open.overdue
    ? html`was due to close ${when(open.closesAt, zone)}; the collector closes it at its next check.`
    : html`closes ${when(open.closesAt, zone)}.`;
  return html`<section class="card" data-open-period="${open.period}">
<div class="section-head"><div><h2>Open period: ${open.period}</h2><p>Usage counts in ${open.period}, which ${closes}</p>${blackout}</div>${close}</div>
<p class="all-time">${explain}</p>
</section>`;
}

function periodNav(view: UsageView): SafeHtml {
  const link = (period: string | null, label: SafeHtml | string) => {
    const current = period === view.period ? html` aria-current="page"` : '';
    const href = period === null ? '/admin/usage' : `/admin/usage?period=${period}`;
    return html`<li><a href="${href}"${current}>${label}</a></li>`;
  };
  // When it closed, in the zone the rest of the page speaks (the UTC instant in datetime).
  const closedAt = (iso: string) =>
    html`<time datetime="${iso}">${zonedLabel(Date.parse(iso), view.zone)}</time>`;
  const closed = view.closedPeriods.map((entry) =>
    link(
      entry.period,
      html`<span class="period">${entry.period}</span> <span class="muted">closed ${closedAt(entry.closedAt)}${entry.early ? ' (early)' : ''}</span>`,
    ),
  );
  const open = html`<span class="period">${view.open.period}</span> <span class="muted">open</span>`;
  return html`<nav aria-label="Periods"><ul class="periods">${link(null, 'All periods')}${link(view.open.period, open)}${closed}</ul></nav>`;
}

// The reconciliation to diff against the marketplace's ledger, of the period shown or all.
function reconciliationLinks(period: string | null): SafeHtml {
  const query = period === null ? '' : `?period=${period}`;
  return html`<p class="all-time reconciliation">Reconciliation${period === null ? '' : ` of ${period} (billed month)`}, per order, SKU and month with every billing call: <a href="/admin/usage/reconciliation.csv${query}" download>CSV</a> · <a href="/admin/usage/reconciliation.json${query}" download>JSON</a></p>`;
}

/**
 * The Usage page: the open period, its close and blackout and the Close the month now
 * button; the closed periods; usage per period, order and SKU with each report's state.
 */
export function renderUsagePage(view: UsageView, flash?: UsageFlash): string {
  const cutNote =
    view.lines.length >= LINES_SHOWN
      ? html`<p class="all-time">The first ${LINES_SHOWN} lines, newest period first; pick a period to see one.</p>`
      : '';
  return layout(
    'Usage',
    html`<header class="topbar">
<div><h1>Usage</h1><p class="muted">Usage-based billing: one report per order, SKU and month, in ${view.zone}</p></div>
${pageNav('usage')}
${signOutForm()}
</header>
<main>
${notice(flash)}
${unconfirmedAlert(view.unconfirmed)}
${heldAlert(view.held)}
${openCard(view.open, view.zone)}
<section class="card">
<div class="section-head"><div><h2>${view.period === null ? 'Usage per order and SKU' : `Usage in ${view.period}`}</h2>${cutNote}</div></div>
${periodNav(view)}
${reconciliationLinks(view.period)}
${renderUsageTable(view.lines, view.period)}
</section>
</main>`,
  );
}
