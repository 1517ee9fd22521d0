import type { RequestHandler } from 'express';
import { sendPage } from '../errors.js';
import { messagePage } from '../views/layout.js';
import { renderLoginPage } from '../views/login-page.js';
import { type AdminAuth, hasSession } from './access.js';
import { safeReturnPath, signInPath } from './return-path.js';
import { crossOriginReason } from './same-origin.js';

/** 403 on every admin page while CLM_ADMIN_TOKEN is unset. */
export const requireAdminEnabled =
  (auth: AdminAuth): RequestHandler =>
  (_req, res, next) => {
    if (auth.token !== null) return next();
    sendPage(
      res,
      403,
      messagePage(
        'Admin is disabled',
        'Set CLM_ADMIN_TOKEN (at least 16 characters) and restart the collector to use these pages.',
      ),
    );
  };

/** 403 for a form posted from a page of another origin (or of none). */
export const requireSameOriginForm: RequestHandler = (req, res, next) => {
  const reason = crossOriginReason(req);
  if (reason === null) return next();
  sendPage(
    res,
    403,
    messagePage(
      'Request refused',
      `This form was not sent from a page of this collector, so nothing was changed: ${reason}`,
    ),
  );
};

// The page a form was posted from (same origin: checked before), to return to after sign-in.
function formPage(referer: string | undefined): string | null {
  if (referer === undefined || !URL.canParse(referer)) return null;
  const { pathname, search } = new URL(referer);
  return safeReturnPath(`${pathname}${search}`);
}

/** 401 with the sign-in form unless the request carries a valid session. */
export const requireSession =
  (auth: AdminAuth): RequestHandler =>
  (req, res, next) => {
    if (hasSession(req, auth)) return next();
    const ended = 'Your session has ended. Sign in again; nothing was changed.';
    sendPage(res, 401, renderLoginPage(ended, formPage(req.get('referer'))));
  };

/**
 * An admin page (GET) without a session: sent to the sign-in form at `/admin`, which
 * comes back to this page once signed in.
 */
export const requirePageSession =
  (auth: AdminAuth): RequestHandler =>
  (req, res, next) => {
    if (hasSession(req, auth)) return next();
    res.redirect(303, signInPath(req.originalUrl));
  };
