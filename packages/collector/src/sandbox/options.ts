import type { Clock } from '../clock.js';
import { type BillingModel, MODEL_NAMES, parseBillingModel } from '../orders/billing-models.js';
import type { MarketplaceApi } from './books.js';
import { checkForm } from './buy-form.js';
import type { SandboxProduct } from './product.js';
import type { ProvisioningConfig } from './provision-client.js';

/** Options of `createSandboxApp`. */
export interface SandboxOptions {
  /** Where the Buy button sends provisioning requests. Without it, Buy answers 503. */
  provisioning?: ProvisioningConfig;
  /** Default: product 123, SKU `MRKTPLC-DEMO-CRM-SEATS` (manual), "Demo CRM", no form fields. */
  product?: SandboxProduct;
  /**
   * The provider's key: v2 calls with another `providerKey` (v1: `providerkey`) are refused.
   * Without it every provider call is refused.
   */
  providerKey?: string | undefined;
  /** `v2` (default): seed 002's API; `v1`: seed 003's body on Buy, `/update-subscription/`. */
  api?: MarketplaceApi;
  /** The marketplace's clock (the ledger's months, the blackout). Default: the wall clock. */
  clock?: Clock;
}

// The largest product id the Buy form accepts (nine digits).
const MAX_PRODUCT_ID = 999_999_999;

/** The product of the page when none is configured. */
export const DEFAULT_PRODUCT: Required<SandboxProduct> = {
  id: 123,
  skus: ['MRKTPLC-DEMO-CRM-SEATS'],
  name: 'Demo CRM',
  billing: {},
  form: [],
};

/** What the page says when the Buy button has nowhere to send orders. */
export const NOT_CONFIGURED =
  'The Buy button is not configured: start the sandbox with CLM_PROVISION_TOKEN set and ' +
  '--provision-url <the collector’s /marketplace/provision URL>, or pass ' +
  '{ provisioning: { url, token } } to createSandboxApp().';

/** Each configured SKU's billing start model; throws a TypeError on one it cannot read. */
export function billingModels(billing: Record<string, string> = {}): Map<string, BillingModel> {
  const models = new Map<string, BillingModel>();
  for (const [sku, text] of Object.entries(billing)) {
    const model = parseBillingModel(text);
    if (model === null) {
      throw new TypeError(`product.billing: ${sku}=${text}: the model must be ${MODEL_NAMES}`);
    }
    models.set(sku, model);
  }
  return models;
}

function checkProduct(product: SandboxProduct): void {
  // What the Buy form accepts back, so the defaults it shows can be bought.
  if (!Number.isInteger(product.id) || product.id < 0 || product.id > MAX_PRODUCT_ID) {
    throw new TypeError(`product.id must be a whole number from 0 to ${MAX_PRODUCT_ID}`);
  }
  if (product.skus.length === 0 || product.skus.some((sku) => !/^[^,\s]+$/.test(sku))) {
    throw new TypeError('product.skus must be SKUs without commas or spaces');
  }
  billingModels(product.billing);
}

/** Checks the options (a misconfigured sandbox fails at start, not at the first Buy). */
export function checkSandboxOptions(options: SandboxOptions): void {
  const { provisioning, product, providerKey, api } = options;
  if (provisioning !== undefined) {
    const url = URL.canParse(provisioning.url) ? new URL(provisioning.url) : undefined;
    if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
      throw new TypeError(`provisioning.url must be an http(s) URL, not "${provisioning.url}"`);
    }
    if (provisioning.token === '') throw new TypeError('provisioning.token must not be empty');
  }
  if (product !== undefined) {
    checkProduct(product);
    checkForm(product, api ?? 'v2');
  }
  if (providerKey !== undefined && providerKey.trim() === '') {
    throw new TypeError('providerKey must not be empty');
  }
  if (api !== undefined && api !== 'v2' && api !== 'v1')
    throw new TypeError('api must be v2 or v1');
}
