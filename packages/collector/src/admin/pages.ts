import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { hasSession } from './auth/access.js';
import { requireSameOriginForm, requireSession } from './auth/page-guards.js';
import { safeReturnPath } from './auth/return-path.js';
import type { AdminDeps } from './deps.js';
import { sendPage } from './errors.js';
import { setFlash, takeFlash } from './flash/flash.js';
import type { ActionDone } from './form-body.js';
import { reasonOf, windowQuery } from './query.js';
import { replayRoute } from './replay-route.js';
import { loadSummary } from './summary.js';
import { type DashboardNotice, renderDashboardPage } from './views/dashboard-page.js';
import { messagePage } from './views/layout.js';
import { renderLoginPage } from './views/login-page.js';
import { writeOffRoute } from './write-off-route.js';

/** Rows in the dashboard's relay table. */
export const RECENT_RELAYS = 50;

// What a Retry or Write off did, as its one-time notice carries it (admin/flash).
const dashboardNotice = z.object({
  action: z.enum(['replayed', 'written-off']),
  count: z.number().int().min(0),
  already: z.boolean(),
});

/**
 * `GET /` (sign-in form or dashboard), `POST /relays/replay` (the Retry buttons) and
 * `POST /relays/write-off` (the Write off buttons), each billing call through a confirm page.
 */
export function pagesRouter(deps: AdminDeps): Router {
  const { store, clock } = deps;
  const auth = { token: deps.token, clock };
  const router = Router();
  // Back to the dashboard, which tells what was done once (admin/flash), never from the URL.
  const told = (req: Request, res: Response, days: number, notice: DashboardNotice) => {
    setFlash(req, res, auth, 'dashboard', notice);
    res.redirect(303, `/admin?days=${days}`);
  };

  router.get('/', async (req, res) => {
    const next = safeReturnPath(req.query.next);
    if (!hasSession(req, auth)) return sendPage(res, 200, renderLoginPage(undefined, next));
    // Signed in already (another tab): straight to the page the sign-in was for.
    if (next !== null && next !== '/admin') return res.redirect(303, next);
    const query = windowQuery.safeParse(req.query);
    if (!query.success)
      return sendPage(res, 400, messagePage('Bad request', reasonOf(query.error)));
    const [summary, relays] = await Promise.all([
      loadSummary(store, clock.now(), query.data.days),
      store.listRelays({ limit: RECENT_RELAYS }),
    ]);
    const notice = dashboardNotice.safeParse(takeFlash(req, res, auth, 'dashboard')).data;
    const crossSite = deps.pageSites?.crossSite() ?? [];
    sendPage(res, 200, renderDashboardPage({ summary, relays, notice, crossSite }));
  });

  // Retry and Write off: signed-in forms of this origin, then back to the dashboard's notice.
  const guards = [requireSameOriginForm, requireSession(auth)];
  const doneAs =
    (action: DashboardNotice['action']): ActionDone =>
    (req, res, days, count, already) =>
      told(req, res, days, { action, count, already });
  router.post('/relays/replay', ...replayRoute(deps, guards, doneAs('replayed')));
  router.post('/relays/write-off', ...writeOffRoute(deps, guards, doneAs('written-off')));
  return router;
}
