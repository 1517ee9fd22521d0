import type { FailureView, OrderView } from '../orders-data.js';
import { billingStartBanner, type StartedView, startInFlight } from './billing-start-banner.js';
import { renderFailuresTable } from './failures-table.js';
import { html } from './html.js';
import { layout } from './layout.js';
import { renderOrdersTable } from './orders-table.js';
import { pageNav, signOutForm } from './page-nav.js';

/** What the Orders page shows. */
export interface OrdersView {
  orders: readonly OrderView[];
  failures: readonly FailureView[];
  /** How many orders and failures at most are listed. */
  limits: { orders: number; failures: number };
  /** Set after Start billing: the order, whose calls the banner tells as they are now. */
  started?: StartedView | null | undefined;
  /** Whether Start billing is offered: not under the v1 API, which has no billing start. */
  billingStart?: boolean;
}

const newest = (shown: number, limit: number, noun: string) =>
  shown >= limit ? html`<p class="all-time">The newest ${limit} ${noun}.</p>` : '';

/** The Orders page: each order's SKUs with billing and end, then failed provisioning. */
export function renderOrdersPage(view: OrdersView): string {
  const { orders, failures, limits } = view;
  const billingStart = view.billingStart ?? true;
  const about = billingStart
    ? 'Marketplace orders (SaaS v2): billing and termination per SKU; Start billing for manual SKUs, Start now for those scheduled'
    : 'Marketplace orders (v1): termination per SKU; v1 has no billing start';
  return layout(
    'Orders',
    html`<header class="topbar">
<div><h1>Orders</h1><p class="muted">${about}</p></div>
${pageNav('orders')}
${signOutForm()}
</header>
<main>
${billingStartBanner(view.started)}
<section class="card">
<div class="section-head"><div><h2>Orders</h2>${newest(orders.length, limits.orders, 'orders')}</div></div>
${renderOrdersTable(orders, { billingStart })}
</section>
<section class="card">
<div class="section-head"><div><h2>Failed provisioning attempts</h2>${newest(failures.length, limits.failures, 'attempts')}</div></div>
${renderFailuresTable(failures)}
</section>
</main>`,
    '',
    startInFlight(view.started) ? 2 : undefined,
  );
}
