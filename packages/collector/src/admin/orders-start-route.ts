import express, { type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { provisioningIdSchema, skuSchema } from '../order-ids.js';
import { NO_V1_BILLING_START, OrderConflict } from '../orders/billing.js';
import type { Order } from '../store/orders.js';
import { CONFIRM_EXPIRED, checkGiven, confirmField } from './confirm/form.js';
import { createConfirmToken } from './confirm/token.js';
import type { AdminDeps } from './deps.js';
import { sendPage } from './errors.js';
import { setFlash } from './flash/flash.js';
import { reasonOf } from './query.js';
import { planBillingStart, startBillingFromAdmin } from './start-billing.js';
import { billingStartConfirm } from './start-billing-confirm.js';
import { renderConfirmPage } from './views/confirm-page.js';
import { messagePage } from './views/layout.js';

// Urlencoded fields: a repeated `skus` arrives as an array, a single one as a string.
// Strict, since a misnamed `skus` would otherwise read as none, which means the default.
const startBillingForm = z.strictObject({
  skus: z.union([skuSchema.transform((sku) => [sku]), z.array(skuSchema).max(100)]).optional(),
  confirm: confirmField,
});

const BACK = { href: '/admin/orders', label: 'Back to the orders' };

/**
 * To the Orders page telling what became of an order's billing start (read from the order
 * at each load); "already done" after a used confirmation is told once (admin/flash).
 */
function toOrderPage(req: Request, res: Response, deps: AdminDeps, order: Order, already = false) {
  if (already) setFlash(req, res, deps, 'orders', { already: order.provisioningId });
  res.redirect(303, `/admin/orders?order=${encodeURIComponent(order.provisioningId)}`);
}

const STALE = {
  changed:
    'What Start billing would send changed since that page was shown (another start or an end came first): check it again.',
  expired: CONFIRM_EXPIRED,
};

/**
 * The Start billing and Start now buttons' target. The first POST answers a confirm page
 * naming each `/start-billing/` call; its form posts again with a token bound to the SKUs'
 * calls as they were read, so the calls go once: a reload or replay finds them queued and
 * is sent to the Orders page with "already done".
 */
export function startBillingRoute(deps: AdminDeps, guards: RequestHandler[]): RequestHandler[] {
  const { store } = deps;
  const handle = async (req: Request, res: Response) => {
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
    const { skus, confirm } = form.data;
    const plan = planBillingStart(deps, order, skus);
    // Nothing billable to send (or a refusal to tell): no confirmation needed.
    if (plan.calls.length === 0 || plan.ended) {
      await startBillingFromAdmin(deps, order, skus);
      return toOrderPage(req, res, deps, order, confirm !== undefined);
    }
    const key = deps.token as string;
    const action = 'start-billing';
    const now = deps.clock.now();
    const check = checkGiven(key, action, plan.state, confirm, now);
    if (check === 'valid') {
      await startBillingFromAdmin(deps, order, skus);
      return toOrderPage(req, res, deps, order);
    }
    const token = createConfirmToken(key, action, plan.state, now);
    const note = check === null ? undefined : STALE[check];
    const view = billingStartConfirm(order, plan, { token, skus, note }, deps.endpoints);
    sendPage(res, 200, renderConfirmPage(view));
  };
  const refusals = async (req: Request, res: Response) => {
    try {
      await handle(req, res);
    } catch (error) {
      if (!(error instanceof OrderConflict)) throw error;
      const title = error.status === 409 ? 'Billing not started' : 'Bad request';
      const reason = `${error.message}; nothing was changed.`;
      sendPage(res, error.status, messagePage(title, reason, BACK));
    }
  };
  return [
    ...guards,
    express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 102 }),
    refusals,
  ];
}
