import type { SkuView } from '../order-labels.js';
import type { OrderView } from '../orders-data.js';
import { html, type SafeHtml } from './html.js';

/** The order a Start billing was for, and whether its confirmation had been used before. */
export interface StartedView {
  order: OrderView;
  already: boolean;
}

// One SKU's /start-billing/ as it stands now, and what to do about it.
function skuLine(sku: SkuView): { text: string; state: string } | null {
  const { state } = sku.billing;
  const name = sku.sku;
  if (state === 'not-requested') return null;
  if (state === 'delivered')
    return { state, text: `${name}: sent. The marketplace accepted /start-billing/ and bills it.` };
  if (state === 'pending')
    return {
      state,
      text: `${name}: sending… The call is queued; this page refreshes until the marketplace answers.`,
    };
  if (state === 'superseded')
    return { state, text: `${name}: never sent: the SKU ended first. Nothing to do.` };
  if (state === 'written-off')
    return { state, text: `${name}: written off by an operator: never sent, not billed.` };
  const why = ('error' in sku.billing && sku.billing.error) || 'no reason recorded';
  return {
    state: 'failed',
    text: `${name}: failed: ${why}. Nothing is billed: fix the cause, then Retry it on the dashboard.`,
  };
}

/** Whether a start of the order is still on its way: the page then refreshes itself. */
export const startInFlight = (view: StartedView | null | undefined): boolean =>
  view?.order.skus.some((sku) => sku.billing.state === 'pending') ?? false;

/**
 * The banner after Start billing: each SKU's call as it is now (sent, sending, failed with
 * what to do), read again at every load, and "already done" after a replayed confirmation.
 */
export function billingStartBanner(view: StartedView | null | undefined): SafeHtml | '' {
  if (!view) return '';
  const lines = view.order.skus.map(skuLine).filter((line) => line !== null);
  const failed = lines.some((line) => line.state === 'failed');
  const already = view.already
    ? html`<p><strong>Already done:</strong> that confirmation was used before; nothing more was sent.</p>`
    : '';
  const head = html`<p>Billing start of order <code>${view.order.provisioningId}</code>:</p>`;
  const items = lines.map((line) => html`<li data-state="${line.state}">${line.text}</li>`);
  const list =
    lines.length > 0
      ? html`<ul>${items}</ul>`
      : html`<p>No billing start was requested for it.</p>`;
  return html`<div class="${failed ? 'alert' : 'notice'} start-banner" role="status">${already}${head}${list}</div>`;
}
