import { createSandboxApp } from '../sandbox/app.js';
import type { LedgerLine } from '../sandbox/ledger.js';
import type { SandboxOptions } from '../sandbox/options.js';
import { listen, postJson } from './http.js';

/** The provider key of the books tests. */
export const KEY = 'PK-BOOKS';

/** The order the books tests register, in seed 002's words. */
export const ORDER = {
  provisioningId: '9ddz0a5e-f2d5-6eb5-89b9-7a42d0fbb836',
  customerId: '1234',
  productId: 123,
  productSkus: ['SKU-SEATS', 'SKU-GB'],
};

/** The fields every v2 call about {@link ORDER} carries. */
export const CALL = {
  providerKey: KEY,
  customerId: ORDER.customerId,
  provisioningId: ORDER.provisioningId,
  productId: ORDER.productId,
};

/**
 * A sandbox on a settable clock (`at(iso)`), knowing {@link KEY}; helpers post raw JSON text
 * (so a count is sent as written) and read the ledger.
 */
export async function booksSandbox(options: SandboxOptions = {}) {
  let now = Date.parse('2026-03-10T12:00:00Z');
  const url = await listen(
    createSandboxApp({ providerKey: KEY, clock: { now: () => now }, ...options }),
  );
  const post = (path: string, body: unknown) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return {
    url,
    at: (iso: string) => {
      now = Date.parse(iso);
    },
    post,
    register: (order: Record<string, unknown> = ORDER) => postJson(`${url}/_sandbox/orders`, order),
    ledger: async () =>
      ((await (await fetch(`${url}/_sandbox/ledger`)).json()) as { lines: LedgerLine[] }).lines,
    /** `/saas-usage/` with the count as written in `count` (JSON text). */
    usage: (sku: string, count: string, fields: Record<string, unknown> = {}) =>
      post(
        '/saas-usage/',
        `${JSON.stringify({ ...CALL, productSku: sku, ...fields }).slice(0, -1)},"usageCount":${count}}`,
      ),
    start: (skus: string[], fields: Record<string, unknown> = {}) =>
      post('/start-billing/', { ...CALL, productSkus: skus, ...fields }),
    end: (skus: string[], fields: Record<string, unknown> = {}) =>
      post('/saas-usage/end', { ...CALL, productSkus: skus, ...fields }),
  };
}
