import type { Relay } from '../../store/types.js';
import type { CrossSitePages } from '../../tracking/page-sites.js';
import { WINDOW_CHOICES } from '../query.js';
import type { Summary } from '../summary.js';
import { NARROW, renderChartLegend, renderFunnelChart, WIDE } from './chart.js';
import { renderDoubtAlert } from './doubt-alert.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';
import { pageNav, signOutForm } from './page-nav.js';
import { renderRelaysTable } from './relays-table.js';

const count = new Intl.NumberFormat('en-US');
// Pixel beacons and API calls alike; one customer may be reported more than once.
const counted = (n: number, noun: string) => `${count.format(n)} ${noun}${n === 1 ? '' : 's'}`;

/**
 * What a Retry (`replayed`: how many dead-lettered relays went back to the queue) or a
 * Write off (`written-off`: how many billing calls) did; `already` after a confirmation
 * used before: nothing more was done.
 */
export interface DashboardNotice {
  action: 'replayed' | 'written-off';
  count: number;
  already: boolean;
}

/** What the dashboard shows besides the summary. */
export interface DashboardView {
  summary: Summary;
  relays: readonly Relay[];
  /** What the last Retry or Write off did, told once after its redirect. */
  notice?: DashboardNotice | undefined;
  /** Page sites sending beacons from another site than the collector's (this process). */
  crossSite?: readonly CrossSitePages[];
}

const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);

function kpi(key: string, label: string, value: string, note: string, alert = false): SafeHtml {
  return html`<div class="kpi kpi-${key}${alert ? ' kpi-alert' : ''}" data-kpi="${key}"><div class="kpi-label">${label}</div><div class="kpi-value">${value}</div><div class="kpi-note">${note}</div></div>`;
}

function kpis({ totals }: Summary): SafeHtml {
  return html`<section class="kpis" aria-label="Totals over the window">
${kpi('visits', 'Marketplace visits', count.format(totals.visits), 'landings with a marketplace referral')}
${kpi('purchases', 'Purchases', count.format(totals.purchases), 'distinct customers reported')}
${kpi('conversion', 'Conversion', percent(totals.conversionRate), 'purchases ÷ visits')}
${kpi('delivered', 'Relayed', count.format(totals.delivered), 'accepted by the onramp')}
${kpi('pending', 'Pending', count.format(totals.pending), 'queued or retrying')}
${kpi('dead', 'Dead-lettered', count.format(totals.dead), totals.dead > 0 ? 'refused by the onramp: needs a retry' : 'none refused', totals.dead > 0)}
</section>`;
}

function allTime({ allTime: t }: Summary): SafeHtml {
  const pending = t.relays.pending + t.relays.in_flight;
  const oldest = t.oldestPendingSince
    ? html` (oldest waiting since <time datetime="${t.oldestPendingSince}">${t.oldestPendingSince.slice(0, 16).replace('T', ' ')} UTC</time>)`
    : '';
  return html`<p class="all-time" data-all-time>All time: <strong>${count.format(t.relays.delivered)}</strong> relayed · <strong>${count.format(pending)}</strong> pending${oldest} · <strong>${count.format(t.relays.dead)}</strong> dead-lettered · ${counted(t.events.visit, 'visit')} · ${counted(t.events.purchase, 'purchase report')}</p>`;
}

function windowNav(days: number): SafeHtml {
  const links = WINDOW_CHOICES.map(
    (choice) =>
      html`<a href="/admin?days=${choice}"${choice === days ? html` aria-current="page"` : ''}>${choice} days</a>`,
  );
  return html`<nav class="windows" aria-label="Window">${links}</nav>`;
}

function noticeText({ action, count }: DashboardNotice): string {
  const them = count === 1 ? 'it' : 'them';
  if (action === 'written-off')
    return `${count} billing call${count === 1 ? '' : 's'} written off: never to be sent or billed, no longer money in doubt.`;
  return count === 0
    ? 'Nothing to retry: no dead-lettered relay matched.'
    : `${count} dead-lettered relay${count === 1 ? '' : 's'} sent back to the queue; the relay worker is sending ${them} now.`;
}

function notice(shown: DashboardNotice | undefined): SafeHtml | '' {
  if (shown === undefined) return '';
  if (shown.already) {
    const what =
      shown.action === 'written-off'
        ? 'those calls were written off by that confirmation before; nothing more was changed.'
        : 'those calls were sent back to the queue by that confirmation before; nothing more was sent.';
    return html`<p class="notice" role="status"><strong>Already done:</strong> ${what}</p>`;
  }
  return html`<p class="notice" role="status">${noticeText(shown)}</p>`;
}

// Beacons from another site than the collector's are what blocklists drop unseen.
function crossSiteWarning(pages: readonly CrossSitePages[] | undefined): SafeHtml | '' {
  if (!pages?.length) return '';
  const items = pages.map(
    (p) =>
      html`<li data-page-site="${p.pageSite}"><strong>${p.pageSite}</strong> → this collector on <strong>${p.collectorSite}</strong>: ${counted(p.beacons, 'beacon')}, last <time datetime="${new Date(p.lastSeen).toISOString()}">${new Date(p.lastSeen).toISOString().slice(0, 16).replace('T', ' ')} UTC</time></li>`,
  );
  return html`<section class="alert cross-site" role="alert" data-cross-site><p>Beacons arrive from pages on another site than this collector's. Ad and tracker blocklists (EasyPrivacy's <code>$ping,third-party</code>) drop such beacons, and the page is told they were sent: purchases are lost unseen. Serve the collector from a subdomain of the pages' domain (see the README, "Blocklists"); since this process started:</p><ul>${items}</ul></section>`;
}

/** The admin dashboard: totals, the per-day chart, and the newest relays. */
export function renderDashboardPage(view: DashboardView): string {
  const { summary, relays } = view;
  const days = summary.window.days;
  const lastDay = summary.days[summary.days.length - 1]?.day ?? '';
  const dead = summary.allTime.relays.dead;
  return layout(
    'Marketplace funnel',
    html`<header class="topbar">
<div><h1>Marketplace funnel</h1><p class="muted">Last ${days} days, ${summary.days[0]?.day ?? ''} to ${lastDay} (UTC)</p></div>
${pageNav('purchases')}
${windowNav(days)}
${signOutForm()}
</header>
<main>
${renderDoubtAlert(summary.moneyInDoubt, days)}
${notice(view.notice)}
${crossSiteWarning(view.crossSite)}
${kpis(summary)}
<section class="card chart-card">${renderChartLegend()}${renderFunnelChart(summary.days, WIDE)}${renderFunnelChart(summary.days, NARROW)}</section>
<section class="card">
<div class="section-head">
<div><h2>Recent relays</h2>${allTime(summary)}</div>
<form method="post" action="/admin/relays/replay"><input type="hidden" name="days" value="${days}"><button type="submit" class="danger"${dead === 0 ? html` disabled` : ''}>Retry all dead-lettered (${count.format(dead)})</button></form>
</div>
${renderRelaysTable(relays, days)}
</section>
</main>`,
  );
}
