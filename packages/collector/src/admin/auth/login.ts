import express, { Router } from 'express';
import { tokenMatches } from '../../security/bearer-token.js';
import { tokenGuessesSpent, tokenGuessLimit } from '../../security/rate-limit.js';
import type { AdminDeps } from '../deps.js';
import { sendPage } from '../errors.js';
import { renderLoginPage } from '../views/login-page.js';
import { adminCookieOptions as cookieOptions } from './cookie-options.js';
import { requireSameOriginForm } from './page-guards.js';
import { safeReturnPath } from './return-path.js';
import { createSession, SESSION_COOKIE, SESSION_TTL_MS } from './session.js';

/** `POST /login` (the admin token from the form → session cookie) and `POST /logout`. */
export function loginRouter(deps: AdminDeps & { token: string }): Router {
  const { token, clock, logger } = deps;
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 10 });
  // Only wrong tokens count, and past the budget only a wrong token is refused (429): the
  // right one always signs in, so someone guessing from the operator's address (a shared
  // NAT, a proxy without CLM_TRUST_PROXY) cannot lock the operator out.
  const attempts = tokenGuessLimit(deps.loginAttemptsPerMinute ?? 10);

  router.post('/login', attempts, requireSameOriginForm, form, (req, res) => {
    const given: unknown = req.body?.token;
    // Back to the page asked for; anything else (another site, a trick path) lands on /admin.
    const next = safeReturnPath(req.body?.next);
    if (typeof given !== 'string' || given === '') {
      sendPage(res, 400, renderLoginPage('Enter the admin token.', next));
      return;
    }
    if (!tokenMatches(given, token)) {
      // Past the budget, not logged each time: guessing would flood the log.
      if (tokenGuessesSpent(res)) {
        const wait = 'Too many sign-in attempts from this address. Wait a minute and try again.';
        sendPage(res, 429, renderLoginPage(wait, next));
        return;
      }
      logger.warn('collector', 'admin: sign-in refused (wrong token)');
      const wrong = 'That is not the admin token. Check CLM_ADMIN_TOKEN.';
      sendPage(res, 401, renderLoginPage(wrong, next));
      return;
    }
    res.cookie(SESSION_COOKIE, createSession(token, clock.now()), {
      ...cookieOptions(req),
      maxAge: SESSION_TTL_MS,
    });
    logger.info('collector', 'admin: signed in');
    res.redirect(303, next ?? '/admin');
  });

  router.post('/logout', requireSameOriginForm, (req, res) => {
    res.clearCookie(SESSION_COOKIE, cookieOptions(req));
    res.redirect(303, '/admin');
  });
  return router;
}
