import express, { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { hasSession } from './auth/access.js';
import { requireSameOriginForm, requireSession } from './auth/page-guards.js';
import { safeReturnPath } from './auth/return-path.js';
import { CONFIRM_TOKEN, checkConfirmToken, createConfirmToken } from './confirm/token.js';
import type { AdminDeps } from './deps.js';
import { sendPage } from './errors.js';
import { setFlash, takeFlash } from './flash/flash.js';
import { reasonOf, relayIdsField, windowQuery } from './query.js';
import { replayDeadRelays } from './replay.js';
import { replayConfirm } from './replay-confirm.js';
import { planReplay } from './replay-plan.js';
import { loadSummary } from './summary.js';
import { renderConfirmPage } from './views/confirm-page.js';
import { type DashboardNotice, renderDashboardPage } from './views/dashboard-page.js';
import { messagePage } from './views/layout.js';
import { renderLoginPage } from './views/login-page.js';
import { writeOffRoute } from './write-off-route.js';

/** Rows in the dashboard's relay table. */
export const RECENT_RELAYS = 50;

// Urlencoded fields: a repeated `ids` arrives as an array, a single one as a string.
// Strict, since a misnamed `ids` would otherwise read as none, which means retry all.
const replayForm = z.strictObject({
  ...windowQuery.shape,
  ids: relayIdsField.optional(),
  confirm: z.string().regex(CONFIRM_TOKEN, 'confirm is not a confirmation token').optional(),
});

// What a Retry or Write off did, as its one-time notice carries it (admin/flash).
const dashboardNotice = z.object({
  action: z.enum(['replayed', 'written-off']),
  count: z.number().int().min(0),
  already: z.boolean(),
});

const STALE = {
  changed: 'What Retry would send changed since that page was shown: check it again.',
  expired: 'That confirmation expired before it was sent: check it again.',
};

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

  router.post(
    '/relays/replay',
    requireSameOriginForm,
    requireSession(auth),
    express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 1002 }),
    async (req, res) => {
      // Another body type is not parsed, and an unparsed body would read as "retry all".
      if (!req.is('application/x-www-form-urlencoded')) {
        const reason = 'Content-Type must be application/x-www-form-urlencoded';
        return sendPage(res, 415, messagePage('Bad request', reason));
      }
      const form = replayForm.safeParse(req.body ?? {});
      if (!form.success)
        return sendPage(res, 400, messagePage('Bad request', reasonOf(form.error)));
      const { ids, days, confirm } = form.data;
      // Billing calls (a start, a usage report, an end) are sent again only once confirmed.
      const plan = await planReplay(store, ids);
      const now = clock.now();
      const key = deps.token as string;
      const check =
        confirm === undefined ? null : checkConfirmToken(key, 'replay', plan.state, confirm, now);
      if (plan.calls.length > 0 && check !== 'valid') {
        const token = createConfirmToken(key, 'replay', plan.state, now);
        const note = check === null ? undefined : STALE[check];
        const view = replayConfirm(
          plan.calls,
          { token, ids, days, ...(note && { note }) },
          deps.api,
        );
        return sendPage(res, 200, renderConfirmPage(view));
      }
      // Retry all: the dead purchases, and exactly the billing calls the confirm page listed.
      const replayed = ids
        ? await replayDeadRelays(deps, ids)
        : await replayDeadRelays(
            deps,
            plan.calls.map((r) => r.id),
            { withoutOrders: true },
          );
      const already = confirm !== undefined && plan.calls.length === 0;
      told(req, res, days, { action: 'replayed', count: replayed, already });
    },
  );

  router.post(
    '/relays/write-off',
    ...writeOffRoute(
      deps,
      [requireSameOriginForm, requireSession(auth)],
      (req, res, days, n, again) =>
        told(req, res, days, { action: 'written-off', count: n, already: again }),
    ),
  );
  return router;
}
