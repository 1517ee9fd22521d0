import { counted, escapeHtml, htmlPage, htmlTable, timeCell } from './html.js';
import { NOT_CONFIGURED, type SandboxProduct } from './options.js';
import type { ProvisioningOutcome, ProvisioningRequest } from './provision-client.js';
import type { ProvisioningAttempt } from './state.js';

/** What the buyer typed, shown again with a validation error. */
export type BuyFormValues = Partial<
  Record<'productId' | 'skus' | 'contactEmail' | 'userAlias', string>
>;

/** What the marketplace page shows. */
export interface MarketplaceView {
  product: Required<SandboxProduct>;
  /** Where Buy sends orders; undefined when it is not configured. */
  provisioningUrl: string | undefined;
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
    a.outcome,
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

/** `GET /marketplace`: the product and its Buy form, as a buyer sees it. */
export function renderMarketplacePage(view: MarketplaceView): string {
  const { product, provisioningUrl, values = {} } = view;
  const value = (name: keyof BuyFormValues, fallback: string) =>
    `value="${escapeHtml(values[name] ?? fallback)}"`;
  const notice =
    provisioningUrl === undefined
      ? `<p id="buy-not-configured" class="error">${escapeHtml(NOT_CONFIGURED)}</p>`
      : `<p>Buy sends a provisioning request to <code id="provision-url">${escapeHtml(provisioningUrl)}</code>.</p>`;
  const error =
    view.error === undefined
      ? ''
      : `<p id="form-error" class="error">${escapeHtml(view.error)}</p>`;
  return htmlPage(
    `${product.name} · Marketplace sandbox`,
    `<h1>Cloud Marketplace (sandbox)</h1>
<section>
<h2 id="product-name">${escapeHtml(product.name)}</h2>
${notice}
${error}
<form id="buy-form" method="post" action="/marketplace/buy">
${field('Product id', `<input id="product-id" name="productId" inputmode="numeric" required ${value('productId', String(product.id))}>`)}
${field('SKUs (comma-separated)', `<input id="skus" name="skus" required ${value('skus', product.skus.join(', '))}>`)}
${field('Contact email', `<input id="contact-email" name="contactEmail" type="email" required autocomplete="email" ${value('contactEmail', '')}>`)}
${field('User alias (optional)', `<input id="user-alias" name="userAlias" ${value('userAlias', '')}>`)}
<button id="buy" type="submit"${provisioningUrl === undefined ? ' disabled' : ''}>Buy</button>
</form>
</section>
${renderProvisionings(view.attempts)}`,
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
export function renderBuyResult(request: ProvisioningRequest, result: ProvisioningOutcome): string {
  const order = `<p>Order <code id="provisioning-id">${escapeHtml(request.provisioningId)}</code>: product ${request.productId}, ${escapeHtml(request.productSkus.join(', '))}.</p>`;
  if (result.outcome === 'complete') {
    const fields = Object.entries(result.fields)
      .map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(show(value))}</dd>`)
      .join('\n');
    return htmlPage(
      'Order complete · Marketplace sandbox',
      `<h1>Order complete</h1>\n${order}
<p>Your customer id: <strong id="customer-id">${escapeHtml(result.customerId)}</strong></p>
<h2>Also returned by the provider</h2>
<dl id="provider-fields">\n${fields}\n</dl>\n${links}`,
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
  );
}
