import express, { type Request, type Response, Router } from 'express';
import { requirePageSession, requireSameOriginForm, requireSession } from './auth/page-guards.js';
import type { AdminDeps } from './deps.js';
import { sendPage } from './errors.js';
import { setFlash, takeFlash } from './flash/flash.js';
import { reasonOf } from './query.js';
import { confirmUsageReport, ReportRefused } from './usage-actions.js';
import { closeRoute, resendRoute } from './usage-confirm-routes.js';
import { loadUsage } from './usage-data.js';
import { reportIdParam, usageNotice, usageQuery } from './usage-query.js';
import { messagePage } from './views/layout.js';
import { renderUsagePage } from './views/usage-page.js';

const BACK = { href: '/admin/usage', label: 'Back to usage' };

/**
 * `GET /usage` (the Usage page), `POST /usage/close` (Close the month now) and
 * `POST /usage/reports/:id/confirm|resend` (an unconfirmed report's buttons); Close and
 * Resend, which send billable calls, go through a confirm page first.
 */
export function usagePagesRouter(deps: AdminDeps): Router {
  const { store, clock, calendar } = deps;
  const auth = { token: deps.token, clock };
  const guards = [requireSameOriginForm, requireSession(auth)];
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 4 });
  const router = Router();

  router.get('/usage', requirePageSession(auth), async (req, res) => {
    const query = usageQuery.safeParse(req.query);
    if (!query.success)
      return sendPage(res, 400, messagePage('Bad request', reasonOf(query.error), BACK));
    const view = await loadUsage(store, calendar, clock.now(), query.data.period);
    const notice = usageNotice.safeParse(takeFlash(req, res, auth, 'usage')).data;
    sendPage(res, 200, renderUsagePage(view, notice));
  });

  router.post('/usage/close', ...guards, form, closeRoute(deps));

  // Marking a report billed sends nothing: no confirm page.
  router.post(
    '/usage/reports/:id/confirm',
    ...guards,
    async (req: Request<{ id: string }>, res: Response) => {
      const id = reportIdParam.safeParse(req.params.id);
      try {
        if (!id.success) throw new ReportRefused('There is no such usage report.', 404);
        await confirmUsageReport(deps, id.data);
        setFlash(req, res, auth, 'usage', { action: 'confirmed', id: id.data });
        res.redirect(303, '/admin/usage');
      } catch (error) {
        if (!(error instanceof ReportRefused)) throw error;
        const reason = `${error.message} Nothing was changed.`;
        sendPage(res, error.status, messagePage('Report not confirmed', reason, BACK));
      }
    },
  );
  router.post('/usage/reports/:id/resend', ...guards, form, resendRoute(deps));
  return router;
}
