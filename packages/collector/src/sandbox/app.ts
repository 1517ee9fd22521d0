import express, { type ErrorRequestHandler, type Express } from 'express';
import { systemClock } from '../clock.js';
import { billRouter } from './bill-page.js';
import { buyRouter } from './buy.js';
import { controlRouter } from './control.js';
import { pageHeaders } from './html.js';
import { marketplaceRouter } from './marketplace-endpoints.js';
import {
  billingModels,
  checkSandboxOptions,
  DEFAULT_PRODUCT,
  type SandboxOptions,
} from './options.js';
import { ordersRouter } from './orders-route.js';
import { renderSandboxPage } from './page.js';
import { createSandboxState } from './state.js';

export type { LedgerLine } from './ledger.js';
export type { SandboxOptions } from './options.js';
export type { FormField, SandboxProduct } from './product.js';
export type { ProvisioningConfig } from './provision-client.js';

/**
 * A stand-in for the marketplace: `POST /api/SaasTrackings`, `/start-billing/`,
 * `/saas-usage/` and `/saas-usage/end` validated like the real ones, a product page whose
 * Buy button sends provisioning requests to `options.provisioning`, control endpoints
 * under `/_sandbox/`, and an HTML page at `/`. Throws a TypeError on invalid options.
 */
export function createSandboxApp(options: SandboxOptions = {}): Express {
  checkSandboxOptions(options);
  const product = { ...DEFAULT_PRODUCT, ...options.product };
  const state = createSandboxState({
    providerKey: options.providerKey?.trim(),
    api: options.api ?? 'v2',
    clock: options.clock ?? systemClock,
    billing: billingModels(product.billing),
  });
  const app = express();
  app.disable('x-powered-by');
  app.use(marketplaceRouter(state));
  app.use(controlRouter(state));
  app.use(ordersRouter(state, product.id));
  app.use(buyRouter(state, product, options.provisioning));
  app.use(billRouter(state));
  app.get('/', pageHeaders(), (_req, res) => {
    res.type('html').send(renderSandboxPage(state, options.provisioning?.url));
  });
  const onError: ErrorRequestHandler = (
    error: { status?: number; type?: string },
    _req,
    res,
    _next,
  ) => {
    const status = error.status ?? 500;
    const message = error.type === 'entity.parse.failed' ? 'body is not valid JSON' : 'bad request';
    res.status(status).json({ error: status === 500 ? 'internal error' : message });
  };
  app.use(onError);
  return app;
}
