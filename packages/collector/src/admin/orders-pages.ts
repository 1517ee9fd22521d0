import express, { type Request, Router } from 'express';
import { z } from 'zod';
import { provisioningIdSchema, skuSchema } from '../order-ids.js';
import { NO_V1_BILLING_START, OrderConflict } from '../orders/billing.js';
import { requirePageSession, requireSameOriginForm, requireSession } from './auth/page-guards.js';
import type { AdminDeps } from './deps.js';
import { sendPage } from './errors.js';
import { FAILURES_SHOWN, loadOrders, modelsOf, ORDERS_SHOWN } from './orders-data.js';
import { reasonOf } from './query.js';
import { startBillingFromAdmin } from './start-billing.js';
import { messagePage } from './views/layout.js';
import { renderOrdersPage } from './views/orders-page.js';

// Urlencoded fields: a repeated `skus` arrives as an array, a single one as a string.
// Strict, since a misnamed `skus` would otherwise read as none, which means the default.
const startBillingForm = z.strictObject({
  skus: z.union([skuSchema.transform((sku) => [sku]), z.array(skuSchema).max(100)]).optional(),
});

const BACK = { href: '/admin/orders', label: 'Back to the orders' };

const flash = z.object({
  started: z
    .string()
    .regex(/^\d{1,9}$/)
    .transform(Number)
    .optional(),
});

/**
 * `GET /orders` (the Orders page) and `POST /orders/:provisioningId/start-billing` (its
 * Start billing buttons).
 */
export function ordersPagesRouter(deps: AdminDeps): Router {
  const { store, clock } = deps;
  const auth = { token: deps.token, clock };
  const router = Router();

  router.get('/orders', requirePageSession(auth), async (req, res) => {
    const limits = { orders: ORDERS_SHOWN, failures: FAILURES_SHOWN };
    const billing = { billing: modelsOf(deps), now: clock.now() };
    const { orders, failures } = await loadOrders(store, billing, limits);
    const started = flash.safeParse(req.query).data?.started;
    const billingStart = deps.api !== 'v1';
    sendPage(res, 200, renderOrdersPage({ orders, failures, limits, started, billingStart }));
  });

  router.post(
    '/orders/:provisioningId/start-billing',
    requireSameOriginForm,
    requireSession(auth),
    express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 101 }),
    async (req: Request<{ provisioningId: string }>, res) => {
      // Another body type is not parsed, and an unparsed body would read as the default.
      if (!req.is('application/x-www-form-urlencoded')) {
        const reason = 'Content-Type must be application/x-www-form-urlencoded';
        return sendPage(res, 415, messagePage('Bad request', reason, BACK));
      }
      if (deps.api === 'v1') {
        const reason = `${NO_V1_BILLING_START}; nothing was changed.`;
        return sendPage(res, 409, messagePage('Billing not started', reason, BACK));
      }
      const form = startBillingForm.safeParse(req.body ?? {});
      if (!form.success)
        return sendPage(res, 400, messagePage('Bad request', reasonOf(form.error), BACK));
      const id = provisioningIdSchema.safeParse(req.params.provisioningId);
      const order = id.success ? await store.getOrder(id.data) : null;
      if (!order) {
        const reason = 'There is no order with this provisioningId; nothing was changed.';
        return sendPage(res, 404, messagePage('Order not found', reason, BACK));
      }
      try {
        const started = await startBillingFromAdmin(deps, order, form.data.skus);
        res.redirect(303, `/admin/orders?started=${started}`);
      } catch (error) {
        if (!(error instanceof OrderConflict)) throw error;
        const title = error.status === 409 ? 'Billing not started' : 'Bad request';
        sendPage(
          res,
          error.status,
          messagePage(title, `${error.message}; nothing was changed.`, BACK),
        );
      }
    },
  );
  return router;
}
