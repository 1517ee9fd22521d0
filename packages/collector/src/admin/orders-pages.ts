import { Router } from 'express';
import { z } from 'zod';
import { provisioningIdSchema } from '../order-ids.js';
import { describeOrder } from '../orders/subscription-view.js';
import { requirePageSession, requireSameOriginForm, requireSession } from './auth/page-guards.js';
import type { AdminDeps } from './deps.js';
import { sendPage } from './errors.js';
import { takeFlash } from './flash/flash.js';
import { FAILURES_SHOWN, loadOrders, modelsOf, ORDERS_SHOWN } from './orders-data.js';
import { startBillingRoute } from './orders-start-route.js';
import { renderOrdersPage } from './views/orders-page.js';

// After Start billing: which order to tell about. The banner reads that order's calls as
// they are now, so a reload shows what happened since, never a count kept in the URL.
const focus = z.object({ order: provisioningIdSchema.optional() });

// A used confirmation's "already done", told once (admin/flash).
const alreadyNotice = z.object({ already: provisioningIdSchema });

/**
 * `GET /orders` (the Orders page) and `POST /orders/:provisioningId/start-billing` (its
 * Start billing and Start now buttons, each through a confirm page).
 */
export function ordersPagesRouter(deps: AdminDeps): Router {
  const { store, clock } = deps;
  const auth = { token: deps.token, clock };
  const router = Router();

  router.get('/orders', requirePageSession(auth), async (req, res) => {
    const limits = { orders: ORDERS_SHOWN, failures: FAILURES_SHOWN };
    const billing = { billing: modelsOf(deps), now: clock.now() };
    const { orders, failures } = await loadOrders(store, billing, limits);
    const query = focus.safeParse(req.query).data;
    // The banner and the order's row read the same snapshot: a delivery committed between
    // two reads must not show "sent" above a row still "starting…".
    const listed = orders.find((view) => view.provisioningId === query?.order);
    const fetched =
      listed !== undefined || query?.order === undefined ? null : await store.getOrder(query.order);
    const view = listed ?? (fetched && describeOrder(fetched, billing));
    const told = alreadyNotice.safeParse(takeFlash(req, res, auth, 'orders')).data;
    const started = view && { order: view, already: told?.already === view.provisioningId };
    const billingStart = deps.api !== 'v1';
    sendPage(res, 200, renderOrdersPage({ orders, failures, limits, started, billingStart }));
  });

  router.post(
    '/orders/:provisioningId/start-billing',
    ...startBillingRoute(deps, [requireSameOriginForm, requireSession(auth)]),
  );
  return router;
}
