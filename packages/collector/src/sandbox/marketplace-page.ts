import { escapeHtml, raw } from '../admin/views/html.js';
import { type Books, type MarketplaceApi, modelOf } from './books.js';
import { type BuyField, fieldId } from './buy-form.js';
import { counted, htmlPage, htmlTable, timeCell, timeHtml } from './html.js';
import { NOT_CONFIGURED } from './options.js';
import type { SandboxProduct } from './product.js';
import { describeBillingStart } from './product.js';
import type { ProvisioningOutcome, ProvisioningRequest } from './provision-client.js';
import type { ProvisioningAttempt } from './state.js';

/** What the buyer typed, by input name, shown again with a validation error. */
export type BuyFormValues = Record<string, string>;

/** What the marketplace page shows. */
export interface MarketplaceView {
  product: Required<SandboxProduct>;
  /** The deployment form's fields (the Contact Email rule applied). */
  fields: readonly BuyField[];
  books: Books;
  /** Where Buy sends orders; undefined when it is not configured. */
  provisioningUrl: string | undefined;
  /** The collector's dashboard, when Buy sends orders to a collector. */
  dashboard?: string | undefined;
  attempts: readonly ProvisioningAttempt[];
  error?: string;
  values?: BuyFormValues;
}

// The seed: "50x - Server Side Error - A generic error message will be displayed".
const GENERIC_FAILURE = 'The provider could not complete your order. Please try again later.';

const links =
  '<p><a href="/marketplace">Back to the marketplace</a> · <a href="/">Calls received</a></p>';

/** The table of Buy attempts (never the buyer's email or alias: they are not recorded). */
export function renderProvisionings(attempts: readonly ProvisioningAttempt[]): string {
  const rows = attempts.map((a) => [
    timeCell(a.at),
    a.provisioningId,
    a.productId,
    a.productSkus,
    // One word: never broken inside ("complet/e") in a narrow column.
    raw(`<span class="word">${escapeHtml(a.outcome)}</span>`),
    a.status ?? 'no answer',
    a.customerId ?? a.message,
  ]);
  const headings = ['At', 'provisioningId', 'productId', 'SKUs', 'Outcome', 'HTTP status'];
  return `<section id="provisionings">
<h2>Provisioning attempts</h2>
<p id="count-provisionings">${counted(attempts.length, 'attempt')}.</p>
${htmlTable([...headings, 'customerId or message'], rows)}
</section>`;
}

const field = (label: string, input: string) => `<label>${label} ${input}</label>`;

// What the provider does after an order, on the collector's dashboard.
function nextStep(dashboard: string | undefined, after: string): string {
  if (dashboard === undefined) return '';
  const orders = `${dashboard}/orders`;
  return `<p id="next-step">${after} Next, as the provider: open the collector's <a id="orders-link" href="${escapeHtml(orders)}">Orders page</a> (its dashboard, <a href="${escapeHtml(dashboard)}">${escapeHtml(dashboard)}</a>), where the order is listed, and press Start billing.</p>`;
}

/** The link to an order's Bill page. */
export const billHref = (provisioningId: string) =>
  `/marketplace/orders/${encodeURIComponent(provisioningId)}/bill`;

/** The orders in the marketplace's books, each linked to its Bill page. */
export function renderOrders(books: Books): string {
  const orders = [...books.orders.values()];
  const rows = orders.map((order) => [
    raw(timeHtml(order.orderedAt)),
    raw(
      `<a href="${escapeHtml(billHref(order.provisioningId))}">${escapeHtml(order.provisioningId)}</a>`,
    ),
    order.customerId,
    order.productSkus,
  ]);
  return `<section id="orders">
<h2>Orders</h2>
<p id="count-orders">${counted(orders.length, 'order')} provisioned; each links to its bill.</p>
${htmlTable(['Ordered at', 'Order (bill)', 'customerId', 'SKUs'], rows)}
</section>`;
}

// A deployment form input: email fields typed as such, optional ones said so.
function formInput(buyField: BuyField, value: string): string {
  const email = /email/i.test(buyField.key);
  const attributes = [
    `id="${escapeHtml(fieldId(buyField.key))}"`,
    `name="${escapeHtml(buyField.key)}"`,
    email ? 'type="email"' : '',
    buyField.required ? 'required' : '',
    email ? 'autocomplete="email"' : '',
    `value="${escapeHtml(value)}"`,
  ].filter(Boolean);
  const label = `${escapeHtml(buyField.label)}${buyField.required ? '' : ' (optional)'}`;
  return field(label, `<input ${attributes.join(' ')}>`);
}

// When each SKU's billing starts, as the product configures it.
function skuModels(view: MarketplaceView): string {
  const items = view.product.skus.map(
    (sku) =>
      `<li><code>${escapeHtml(sku)}</code>: billing starts ${escapeHtml(describeBillingStart(modelOf(view.books, sku)))}</li>`,
  );
  if (view.books.api === 'v1')
    return '<p id="sku-billing">Under v1, billing starts at the order.</p>';
  return `<ul id="sku-billing">\n${items.join('\n')}\n</ul>`;
}

/** `GET /marketplace`: the product and its Buy form, as a buyer sees it. */
export function renderMarketplacePage(view: MarketplaceView): string {
  const { product, provisioningUrl, values = {} } = view;
  const value = (name: string, fallback: string) =>
    `value="${escapeHtml(values[name] ?? fallback)}"`;
  const notice =
    provisioningUrl === undefined
      ? `<p id="buy-not-configured" class="error">${escapeHtml(NOT_CONFIGURED)}</p>`
      : `<p>Buy sends a provisioning request${view.books.api === 'v1' ? ' (v1)' : ''} to <code id="provision-url">${escapeHtml(provisioningUrl)}</code>.</p>`;
  const error =
    view.error === undefined
      ? ''
      : `<p id="form-error" class="error">${escapeHtml(view.error)}</p>`;
  const alias =
    view.books.api === 'v1'
      ? ''
      : field(
          'User alias (optional)',
          `<input id="user-alias" name="userAlias" ${value('userAlias', '')}>`,
        );
  const next = nextStep(
    view.dashboard,
    'Buy sends the order to the provider through its collector.',
  );
  return htmlPage(
    `${product.name} · Marketplace sandbox`,
    `<h1>Cloud Marketplace (sandbox)</h1>
<section>
<h2 id="product-name">${escapeHtml(product.name)}</h2>
${skuModels(view)}
${notice}
${error}
<form id="buy-form" method="post" action="/marketplace/buy">
${field('Product id', `<input id="product-id" name="productId" inputmode="numeric" required ${value('productId', String(product.id))}>`)}
${field('SKUs (comma-separated)', `<input id="skus" name="skus" required ${value('skus', product.skus.join(', '))}>`)}
${view.fields.map((f) => formInput(f, values[f.key] ?? '')).join('\n')}
${alias}
<button id="buy" type="submit"${provisioningUrl === undefined ? ' disabled' : ''}>Buy</button>
</form>
${next}
</section>
${renderOrders(view.books)}
${renderProvisionings(view.attempts)}`,
    undefined,
    { dashboard: view.dashboard },
  );
}

/** A page with only a heading and an error for the buyer (no form, no provider call). */
export function renderBuyError(heading: string, message: string): string {
  return htmlPage(
    `${heading} · Marketplace sandbox`,
    `<h1>${escapeHtml(heading)}</h1>\n<p id="buyer-error" class="error">${escapeHtml(message)}</p>\n${links}`,
  );
}

const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** The buyer's result page after Buy, showing what the marketplace would. */
export function renderBuyResult(
  request: ProvisioningRequest,
  result: ProvisioningOutcome,
  api: MarketplaceApi = 'v2',
  dashboard?: string,
): string {
  const order = `<p>Order <code id="provisioning-id">${escapeHtml(request.provisioningId)}</code>: product ${request.productId}, ${escapeHtml(request.productSkus.join(', '))}.</p>`;
  if (result.outcome === 'complete') {
    const fields = Object.entries(result.fields)
      .map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(show(value))}</dd>`)
      .join('\n');
    return htmlPage(
      'Order complete · Marketplace sandbox',
      `<h1>Order complete</h1>\n${order}
<p>Your customer id: <strong id="customer-id">${escapeHtml(result.customerId)}</strong></p>
<p><a id="bill-link" href="${escapeHtml(billHref(api === 'v1' ? result.customerId : request.provisioningId))}">Your bill for this order</a></p>
${nextStep(dashboard, 'The provider created the account.')}
<h2>Also returned by the provider</h2>
<dl id="provider-fields">\n${fields}\n</dl>\n${links}`,
      undefined,
      { dashboard },
    );
  }
  const refused = result.outcome === 'refused';
  // The real marketplace shows no diagnosis of a failure; the sandbox's user needs one.
  const note = refused
    ? ''
    : `<p id="sandbox-note">Sandbox note (not shown by the marketplace): ${escapeHtml(result.reason)}.</p>\n`;
  return htmlPage(
    'Order not completed · Marketplace sandbox',
    `<h1>Your order could not be completed</h1>\n${order}
<p id="buyer-error" class="error">${escapeHtml(refused ? result.message : GENERIC_FAILURE)}</p>
${refused ? `<p id="buyer-status">The provider answered HTTP ${result.status}.</p>\n` : ''}${note}${links}`,
    undefined,
    { dashboard },
  );
}
