import { randomUUID } from 'node:crypto';
import express, { type Request, Router } from 'express';
import { z } from 'zod';
import { registerOrder } from './books.js';
import { pageHeaders } from './html.js';
import {
  type BuyFormValues,
  renderBuyError,
  renderBuyResult,
  renderMarketplacePage,
} from './marketplace-page.js';
import { NOT_CONFIGURED, type SandboxProduct } from './options.js';
import {
  type ProvisioningConfig,
  type ProvisioningRequest,
  requestProvisioning,
} from './provision-client.js';
import type { SandboxState } from './state.js';

const text = (label: string) => z.string({ error: `${label} is required` }).trim();

// The form as the marketplace would check it before calling the provider.
const buyFormSchema = z.object({
  productId: text('product id')
    .regex(/^\d{1,9}$/, { error: 'product id must be a whole number' })
    .transform(Number),
  skus: text('SKUs')
    .transform((value) =>
      value
        .split(',')
        .map((sku) => sku.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.string().max(200, { error: 'a SKU must be at most 200 characters' }))
        .min(1, { error: 'at least one SKU is required' })
        .max(50, { error: 'at most 50 SKUs per order' }),
    ),
  contactEmail: text('contact email')
    .max(254, { error: 'contact email is too long' })
    .regex(/^[^\s@]+@[^\s@]+$/, { error: 'contact email must be an email address (with an @)' }),
  userAlias: text('user alias').max(100, { error: 'user alias is too long' }).optional(),
});

const formValues = (body: unknown): BuyFormValues => {
  const source = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const values: BuyFormValues = {};
  for (const name of ['productId', 'skus', 'contactEmail', 'userAlias'] as const) {
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
 * `GET /marketplace` (the product page with its Buy form) and `POST /marketplace/buy`,
 * which sends the provisioning request the marketplace would and shows the buyer the result.
 */
export function buyRouter(
  state: SandboxState,
  product: Required<SandboxProduct>,
  provisioning: ProvisioningConfig | undefined,
): Router {
  const router = Router();
  const headers = pageHeaders();
  const page = (extra: { error?: string; values?: BuyFormValues } = {}) =>
    renderMarketplacePage({
      product,
      provisioningUrl: provisioning?.url,
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
      const parsed = buyFormSchema.safeParse(req.body ?? {});
      if (!parsed.success) {
        const error = parsed.error.issues[0]?.message ?? 'invalid order';
        res
          .status(400)
          .type('html')
          .send(page({ error, values: formValues(req.body) }));
        return;
      }
      const { productId, skus, contactEmail, userAlias } = parsed.data;
      const request: ProvisioningRequest = {
        provisioningId: randomUUID(),
        productSkus: skus,
        productId,
        contactEmail,
        ...(userAlias ? { userAlias } : {}),
      };
      const result = await requestProvisioning(provisioning, request);
      const at = state.books.clock.now();
      if (result.outcome === 'complete') {
        // The marketplace's record of the order: what later provider calls must match.
        registerOrder(state.books, {
          provisioningId: request.provisioningId,
          customerId: result.customerId,
          productId,
          productSkus: skus,
          orderedAt: at,
        });
      }
      state.provisionings.push({
        provisioningId: request.provisioningId,
        productId,
        productSkus: skus,
        at: new Date(at).toISOString(),
        outcome: result.outcome,
        status: result.status,
        ...(result.outcome === 'complete'
          ? { customerId: result.customerId }
          : { message: result.outcome === 'refused' ? result.message : result.reason }),
      });
      const status = { complete: 200, refused: 422, failed: 502 }[result.outcome];
      res.status(status).type('html').send(renderBuyResult(request, result));
    },
  );
  return router;
}
