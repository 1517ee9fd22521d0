import { type Request, type Response, Router } from 'express';
import { CloseRefused } from '../usage/close.js';
import { requirePageSession, requireSameOriginForm, requireSession } from './auth/page-guards.js';
import type { AdminDeps } from './deps.js';
import { sendPage } from './errors.js';
import { reasonOf } from './query.js';
import {
  closeOpenPeriod,
  confirmUsageReport,
  ReportRefused,
  resendUsageReport,
} from './usage-actions.js';
import { loadUsage } from './usage-data.js';
import { reportIdParam, usageFlashQuery, usageQuery } from './usage-query.js';
import { messagePage } from './views/layout.js';
import { renderUsagePage } from './views/usage-page.js';

const BACK = { href: '/admin/usage', label: 'Back to usage' };

type ReportAction = typeof confirmUsageReport;

/**
 * `GET /usage` (the Usage page), `POST /usage/close` (Close the month now) and
 * `POST /usage/reports/:id/confirm|resend` (an unconfirmed report's buttons).
 */
export function usagePagesRouter(deps: AdminDeps): Router {
  const { store, clock, calendar } = deps;
  const auth = { token: deps.token, clock };
  const guards = [requireSameOriginForm, requireSession(auth)];
  const router = Router();

  router.get('/usage', requirePageSession(auth), async (req, res) => {
    const query = usageQuery.safeParse(req.query);
    if (!query.success)
      return sendPage(res, 400, messagePage('Bad request', reasonOf(query.error), BACK));
    const view = await loadUsage(store, calendar, clock.now(), query.data.period);
    sendPage(res, 200, renderUsagePage(view, usageFlashQuery.safeParse(req.query).data));
  });

  router.post('/usage/close', ...guards, async (_req, res) => {
    try {
      const { period, early, closed, reports } = await closeOpenPeriod(deps, calendar);
      const last = closed.at(-1)?.period ?? period;
      const flash = `closed=${last}&periods=${closed.length}&reports=${reports}&early=${Number(early)}`;
      res.redirect(303, `/admin/usage?${flash}`);
    } catch (error) {
      if (!(error instanceof CloseRefused)) throw error;
      const reason = `${error.message}; nothing was changed.`;
      sendPage(res, 409, messagePage('Period not closed', reason, BACK));
    }
  });

  const onReport =
    (action: ReportAction, flash: 'confirmed' | 'resent', title: string) =>
    async (req: Request<{ id: string }>, res: Response) => {
      const id = reportIdParam.safeParse(req.params.id);
      try {
        if (!id.success) throw new ReportRefused('There is no such usage report.', 404);
        await action(deps, id.data);
        res.redirect(303, `/admin/usage?${flash}=${id.data}`);
      } catch (error) {
        if (!(error instanceof ReportRefused)) throw error;
        const reason = `${error.message} Nothing was changed.`;
        sendPage(res, error.status, messagePage(title, reason, BACK));
      }
    };
  router.post(
    '/usage/reports/:id/confirm',
    ...guards,
    onReport(confirmUsageReport, 'confirmed', 'Report not confirmed'),
  );
  router.post(
    '/usage/reports/:id/resend',
    ...guards,
    onReport(resendUsageReport, 'resent', 'Report not resent'),
  );
  return router;
}
