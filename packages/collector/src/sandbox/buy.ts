import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, Router } from 'express';
import { type BuyField, buyFields, provisioningBody, readBuyForm } from './buy-form.js';
import { type BuyResult, keep, recordAttempt, remember } from './buy-outcome.js';
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
import { type ProvisioningConfig, requestProvisioning } from './provision-client.js';
import type { SandboxState } from './state.js';

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

/** What the Buy routes share: the sandbox, its Buy form, the results kept, the page. */
interface Buying {
  state: SandboxState;
  provisioning: ProvisioningConfig | undefined;
  fields: readonly BuyField[];
  results: Map<string, BuyResult>;
  page: (extra?: { error?: string; values?: BuyFormValues }) => string;
}

// POST /marketplace/buy: the provisioning request, then a redirect to its result.
async function buy(
  { state, provisioning, fields, results, page }: Buying,
  req: Request,
  res: Response,
) {
  const { api } = state.books;
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
}

// GET /marketplace/result/:provisioningId: a recent Buy's result.
function showResult({ state, provisioning, results }: Buying, req: Request, res: Response) {
  const { api } = state.books;
  const shown = results.get(String(req.params.provisioningId));
  if (shown === undefined) {
    const reason = 'There is no recent Buy result with this id; buy again on the marketplace page.';
    res.status(404).type('html').send(renderBuyError('No such order', reason));
    return;
  }
  const status = { complete: 200, refused: 422, failed: 502 }[shown.result.outcome];
  const dashboard = dashboardOf(provisioning?.url);
  res
    .status(status)
    .type('html')
    .send(renderBuyResult(shown.request, shown.result, api, dashboard));
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
  const buying: Buying = { state, provisioning, fields, results, page };

  router.get('/marketplace', headers, (_req, res) => {
    res.type('html').send(page());
  });

  router.post(
    '/marketplace/buy',
    headers,
    express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 }),
    (req, res) => buy(buying, req, res),
  );
  router.get('/marketplace/result/:provisioningId', headers, (req, res) =>
    showResult(buying, req, res),
  );
  return router;
}
