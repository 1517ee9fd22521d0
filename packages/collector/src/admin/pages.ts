import express, { Router } from 'express';
import { z } from 'zod';
import { hasSession } from './auth/access.js';
import { requireSameOriginForm, requireSession } from './auth/page-guards.js';
import { safeReturnPath } from './auth/return-path.js';
import { CONFIRM_TOKEN, checkConfirmToken, createConfirmToken } from './confirm/token.js';
import type { AdminDeps } from './deps.js';
import { sendPage } from './errors.js';
import { reasonOf, relayIdsField, windowQuery } from './query.js';
import { replayDeadRelays } from './replay.js';
import { replayConfirm } from './replay-confirm.js';
import { planReplay } from './replay-plan.js';
import { loadSummary } from './summary.js';
import { renderConfirmPage } from './views/confirm-page.js';
import { renderDashboardPage } from './views/dashboard-page.js';
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

const count = z
  .string()
  .regex(/^\d{1,9}$/)
  .transform(Number);
const already = z
  .literal('1')
  .optional()
  .transform((one) => one !== undefined);
const flash = z.union([
  z.object({ replayed: count, already }).transform(({ replayed, already }) => ({
    action: 'replayed' as const,
    count: replayed,
    already,
  })),
  z.object({ wroteOff: count, already }).transform(({ wroteOff, already }) => ({
    action: 'written-off' as const,
    count: wroteOff,
    already,
  })),
]);

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
    const notice = flash.safeParse(req.query).data;
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
        const view = replayConfirm(plan.calls, { token, ids, days, ...(note && { note }) });
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
      const already = confirm !== undefined && plan.calls.length === 0 ? '&already=1' : '';
      res.redirect(303, `/admin?days=${days}&replayed=${replayed}${already}`);
    },
  );

  router.post(
    '/relays/write-off',
    ...writeOffRoute(deps, [requireSameOriginForm, requireSession(auth)], (res, days, n, again) =>
      res.redirect(303, `/admin?days=${days}&wroteOff=${n}${again ? '&already=1' : ''}`),
    ),
  );
  return router;
}
