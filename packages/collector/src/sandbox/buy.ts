import { randomUUID } from 'node:crypto';
import express, { type Request, Router } from 'express';
import { registerOrder } from './books.js';
import { type BuyField, buyFields, provisioningBody, readBuyForm } from './buy-form.js';
import { dashboardOf } from './dashboard-link.js';
import { pageHeaders } from './html.js';
import {
  type BuyFormValues,
  renderBuyError,
  renderBuyResult,
  renderMarketplacePage,
} from './marketplace-page.js';
import { NOT_CONFIGURED } from './options.js';
import type { SandboxProduct } from './product.js';
import {
  type ProvisioningConfig,
  type ProvisioningOutcome,
  type ProvisioningRequest,
  requestProvisioning,
} from './provision-client.js';
import type { SandboxState } from './state.js';

/** A Buy and its outcome, shown by the result page its POST redirects to. */
interface BuyResult {
  request: ProvisioningRequest;
  result: ProvisioningOutcome;
}

// The results a sandbox keeps for its result pages: the newest, a bounded number.
const RESULTS_KEPT = 1000;

function keep(results: Map<string, BuyResult>, id: string, entry: BuyResult): void {
  results.set(id, entry);
  for (const oldest of results.keys()) {
    if (results.size <= RESULTS_KEPT) break;
    results.delete(oldest);
  }
}

const resultPath = (provisioningId: string) =>
  `/marketplace/result/${encodeURIComponent(provisioningId)}`;

// What the buyer typed, to show again with an error (strings only).
const formValues = (body: unknown, fields: readonly BuyField[]): BuyFormValues => {
  const source = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const values: BuyFormValues = {};
  for (const name of ['productId', 'skus', 'userAlias', ...fields.map((f) => f.key)]) {
    const value = source[name];
    if (typeof value === 'string') values[name] = value;
  }
  return values;
};

// A form post from another site (a page the buyer happens to visit) must not place orders
// with the sandbox's token. Browsers say where a request comes from in Sec-Fetch-Site.
const crossSite = (req: Request) => {
  const site = req.get('sec-fetch-site');
  return site !== undefined && site !== 'same-origin' && site !== 'none';
};

/**
 * The marketplace's record of a completed order: what later provider calls must match.
 * Under v1 the account is known by the provider's coid alone, so a coid the books already
 * hold for another order cannot be entered: the order fails, and the buyer is not told it
 * completed when every later call about it would be refused.
 */
function remember(
  state: SandboxState,
  request: ProvisioningRequest,
  result: ProvisioningOutcome,
  at: number,
): ProvisioningOutcome {
  if (result.outcome !== 'complete') return result;
  const { customerId, status } = result;
  const v1 = state.books.api === 'v1';
  const provisioningId = v1 ? customerId : request.provisioningId;
  const { productId, productSkus } = request;
  const order = { provisioningId, customerId, productId, productSkus, orderedAt: at };
  if (registerOrder(state.books, order) !== 'conflict') return result;
  const reason =
    `the provider answered ${v1 ? 'coid' : 'customerId'} ${customerId}, an account the ` +
    'marketplace already has for another order (product or SKUs): this order is not in its books';
  return { outcome: 'failed', status, reason };
}

function recordAttempt(
  state: SandboxState,
  request: ProvisioningRequest,
  result: ProvisioningOutcome,
  at: number,
) {
  state.provisionings.push({
    ...request,
    at: new Date(at).toISOString(),
    outcome: result.outcome,
    status: result.status,
    ...(result.outcome === 'complete'
      ? { customerId: result.customerId }
      : { message: result.outcome === 'refused' ? result.message : result.reason }),
  });
}

/**
 * `GET /marketplace` (the product page with its Buy form), `POST /marketplace/buy`, which
 * sends the provisioning request the marketplace would (seed 002's body, or seed 003's
 * under v1) and redirects to `GET /marketplace/result/:provisioningId`, the buyer's result.
 */
export function buyRouter(
  state: SandboxState,
  product: Required<SandboxProduct>,
  provisioning: ProvisioningConfig | undefined,
): Router {
  const router = Router();
  const results = new Map<string, BuyResult>();
  const headers = pageHeaders();
  const { api } = state.books;
  const fields = buyFields(product.form, api);
  const page = (extra: { error?: string; values?: BuyFormValues } = {}) =>
    renderMarketplacePage({
      product,
      fields,
      books: state.books,
      provisioningUrl: provisioning?.url,
      dashboard: dashboardOf(provisioning?.url),
      attempts: state.provisionings,
      ...extra,
    });

  router.get('/marketplace', headers, (_req, res) => {
    res.type('html').send(page());
  });

  router.post(
    '/marketplace/buy',
    headers,
    express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 }),
    async (req, res) => {
      if (crossSite(req)) {
        res.status(403).type('html').send(renderBuyError('Order refused', 'cross-site form post'));
        return;
      }
      if (provisioning === undefined) {
        res.status(503).type('html').send(renderBuyError('Buy is not configured', NOT_CONFIGURED));
        return;
      }
      const form = readBuyForm(fields, (req.body ?? {}) as Record<string, unknown>);
      if ('error' in form) {
        const values = formValues(req.body, fields);
        res
          .status(400)
          .type('html')
          .send(page({ error: form.error, values }));
        return;
      }
      const request = {
        provisioningId: randomUUID(),
        productSkus: form.skus,
        productId: form.productId,
      };
      const body = provisioningBody(api, fields, form, request.provisioningId);
      const answer = await requestProvisioning(provisioning, body, api);
      const at = state.books.clock.now();
      const result = remember(state, request, answer, at);
      recordAttempt(state, request, result, at);
      keep(results, request.provisioningId, { request, result });
      // POST → redirect → GET: reloading the result page shows it again, orders nothing.
      res.redirect(303, resultPath(request.provisioningId));
    },
  );

  router.get('/marketplace/result/:provisioningId', headers, (req, res) => {
    const shown = results.get(String(req.params.provisioningId));
    if (shown === undefined) {
      const reason =
        'There is no recent Buy result with this id; buy again on the marketplace page.';
      res.status(404).type('html').send(renderBuyError('No such order', reason));
      return;
    }
    const status = { complete: 200, refused: 422, failed: 502 }[shown.result.outcome];
    const dashboard = dashboardOf(provisioning?.url);
    res
      .status(status)
      .type('html')
      .send(renderBuyResult(shown.request, shown.result, api, dashboard));
  });
  return router;
}
