import type { ProvisioningConfig } from './provision-client.js';

/** The product the marketplace page sells. */
export interface SandboxProduct {
  /** The marketplace product id (an integer). */
  id: number;
  /** The SKUs the Buy form proposes. */
  skus: string[];
  name?: string;
}

/** Options of `createSandboxApp`. */
export interface SandboxOptions {
  /** Where the Buy button sends provisioning requests. Without it, Buy answers 503. */
  provisioning?: ProvisioningConfig;
  /** Default: product 123, SKU `MRKTPLC-DEMO-CRM-SEATS`, "Demo CRM". */
  product?: SandboxProduct;
}

// The largest product id the Buy form accepts (nine digits).
const MAX_PRODUCT_ID = 999_999_999;

/** The product of the page when none is configured. */
export const DEFAULT_PRODUCT: Required<SandboxProduct> = {
  id: 123,
  skus: ['MRKTPLC-DEMO-CRM-SEATS'],
  name: 'Demo CRM',
};

/** What the page says when the Buy button has nowhere to send orders. */
export const NOT_CONFIGURED =
  'The Buy button is not configured: start the sandbox with CLM_PROVISION_TOKEN set and ' +
  '--provision-url <the collector’s /marketplace/provision URL>, or pass ' +
  '{ provisioning: { url, token } } to createSandboxApp().';

/** Checks the options (a misconfigured sandbox fails at start, not at the first Buy). */
export function checkSandboxOptions(options: SandboxOptions): void {
  const { provisioning, product } = options;
  if (provisioning !== undefined) {
    const url = URL.canParse(provisioning.url) ? new URL(provisioning.url) : undefined;
    if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
      throw new TypeError(`provisioning.url must be an http(s) URL, not "${provisioning.url}"`);
    }
    if (provisioning.token === '') throw new TypeError('provisioning.token must not be empty');
  }
  if (product !== undefined) {
    // What the Buy form accepts back, so the defaults it shows can be bought.
    if (!Number.isInteger(product.id) || product.id < 0 || product.id > MAX_PRODUCT_ID) {
      throw new TypeError(`product.id must be a whole number from 0 to ${MAX_PRODUCT_ID}`);
    }
    if (product.skus.length === 0 || product.skus.some((sku) => !/^[^,\s]+$/.test(sku))) {
      throw new TypeError('product.skus must be SKUs without commas or spaces');
    }
  }
}
