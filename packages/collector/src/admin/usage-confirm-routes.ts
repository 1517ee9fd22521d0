import type { Request, Response } from 'express';
import { z } from 'zod';
import { isPeriod } from '../time/calendar.js';
import { CloseRefused, refuseUnbegun } from '../usage/close.js';
import { closeConfirm, planClose } from './close-plan.js';
import { CONFIRM_EXPIRED, checkGiven, confirmField } from './confirm/form.js';
import { createConfirmToken } from './confirm/token.js';
import type { AdminDeps } from './deps.js';
import { sendPage } from './errors.js';
import { setFlash } from './flash/flash.js';
import { reasonOf } from './query.js';
import { canResend, resendConfirm, resendState } from './resend-plan.js';
import {
  closeOpenPeriod,
  findUsageReport,
  ReportRefused,
  resendUsageReport,
} from './usage-actions.js';
import { reportIdParam } from './usage-query.js';
import { renderConfirmPage } from './views/confirm-page.js';
import { messagePage } from './views/layout.js';
import type { UsageFlash } from './views/usage-page.js';

const BACK = { href: '/admin/usage', label: 'Back to usage' };

const closeForm = z.strictObject({
  confirm: confirmField,
  period: z.string().refine(isPeriod, 'period must be a month YYYY-MM').optional(),
});
const resendForm = z.strictObject({ confirm: confirmField });

const STALE = {
  changed: 'What this would send changed since that page was shown: check it again.',
  expired: CONFIRM_EXPIRED,
};

type Check = ReturnType<typeof checkGiven>;

const checkToken = (deps: AdminDeps, action: string, state: string, given?: string): Check =>
  checkGiven(deps.token as string, action, state, given, deps.clock.now());

// Back to the Usage page, which tells what was done once (admin/flash), never from the URL.
function done(req: Request, res: Response, deps: AdminDeps, notice: UsageFlash): void {
  setFlash(req, res, deps, 'usage', notice);
  res.redirect(303, '/admin/usage');
}

const note = (check: Check) => (check === null || check === 'valid' ? undefined : STALE[check]);

/**
 * `POST /usage/close`: the confirm page of Close the month now (each report with its exact
 * count), then the close itself once confirmed with a token bound to the period and its
 * sums. A replayed confirmation finds the period closed: told "already done".
 */
export function closeRoute(deps: AdminDeps) {
  return async (req: Request, res: Response) => {
    const form = closeForm.safeParse(req.body ?? {});
    if (!form.success)
      return sendPage(res, 400, messagePage('Bad request', reasonOf(form.error), BACK));
    const { confirm, period } = form.data;
    const now = deps.clock.now();
    const plan = await planClose(deps.store, deps.calendar, now);
    const check = checkToken(deps, 'close', plan.state, confirm);
    // The period its page showed is closed now: that confirmation was used already.
    const closedSince =
      period !== undefined && plan.lastClosed !== null && period <= plan.lastClosed;
    if (check !== null && check !== 'valid' && closedSince)
      return done(req, res, deps, { action: 'already-closed' });
    try {
      // Refused as of the instant planned: a request that outlasts the period's first moment
      // must not close it unconfirmed.
      if (!plan.begun) refuseUnbegun(plan.period, now, deps.calendar.zone);
      if (check === 'valid') {
        const closed = await closeOpenPeriod(deps, deps.calendar, plan.period);
        return done(req, res, deps, {
          action: 'closed',
          period: closed.closed.at(-1)?.period ?? closed.period,
          periods: closed.closed.length,
          reports: closed.reports,
          early: closed.early,
        });
      }
    } catch (error) {
      if (!(error instanceof CloseRefused)) throw error;
      const reason = `${error.message}; nothing was changed.`;
      return sendPage(res, 409, messagePage('Period not closed', reason, BACK));
    }
    const fresh = createConfirmToken(deps.token as string, 'close', plan.state, deps.clock.now());
    sendPage(
      res,
      200,
      renderConfirmPage(closeConfirm(plan, { token: fresh, note: note(check) }, deps)),
    );
  };
}

/**
 * `POST /usage/reports/:id/resend`: the confirm page (the report, its exact count, the risk
 * of a double bill), then the resend once confirmed with a token bound to the report's
 * state and attempts. A replayed confirmation finds it resent: "already done".
 */
export function resendRoute(deps: AdminDeps) {
  return async (req: Request<{ id: string }>, res: Response) => {
    const form = resendForm.safeParse(req.body ?? {});
    if (!form.success)
      return sendPage(res, 400, messagePage('Bad request', reasonOf(form.error), BACK));
    const id = reportIdParam.safeParse(req.params.id);
    const report = id.success ? await findUsageReport(deps.store, id.data) : null;
    const { confirm } = form.data;
    try {
      if (report === null) throw new ReportRefused('There is no such usage report.', 404);
      const check = checkToken(deps, 'resend', resendState(report), confirm);
      // Nothing a resend would send: refused as before, or already done after a confirmation.
      if (!canResend(report) && check !== null)
        return done(req, res, deps, { action: 'repeated', id: report.id });
      if (check === 'valid' || !canResend(report)) {
        await resendUsageReport(deps, report.id);
        return done(req, res, deps, { action: 'resent', id: report.id });
      }
      const fresh = createConfirmToken(
        deps.token as string,
        'resend',
        resendState(report),
        deps.clock.now(),
      );
      const view = resendConfirm(report, { token: fresh, note: note(check) }, deps);
      sendPage(res, 200, renderConfirmPage(view));
    } catch (error) {
      if (!(error instanceof ReportRefused)) throw error;
      const reason = `${error.message} Nothing was changed.`;
      sendPage(res, error.status, messagePage('Report not resent', reason, BACK));
    }
  };
}
