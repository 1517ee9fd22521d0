import { createHash } from 'node:crypto';
import { Router } from 'express';
import { htmlSecurityHeaders } from '../security/html-headers.js';
import { apiRouter } from './api.js';
import { loginRouter } from './auth/login.js';
import { requireAdminEnabled } from './auth/page-guards.js';
import type { AdminDeps } from './deps.js';
import { pageErrors } from './errors.js';
import { ordersPagesRouter } from './orders-pages.js';
import { pagesRouter } from './pages.js';
import { reconciliationRouter } from './reconciliation-route.js';
import { usagePagesRouter } from './usage-pages.js';
import { ADMIN_CSS } from './views/styles.js';

const CSS_ETAG = `"${createHash('sha256').update(ADMIN_CSS).digest('base64url').slice(0, 16)}"`;

// Helmet's defaults, tightened (no inline styles or scripts at all) and adjusted:
// `same-origin` referrers so the browser sends the Origin the form check needs (under
// `no-referrer` it sends `Origin: null`), and no upgrade-insecure-requests, which would
// send an admin reached over plain http (a private network) to a https port that is not there.
const headers = htmlSecurityHeaders({
  contentSecurityPolicy: {
    directives: {
      'script-src': ["'none'"],
      'style-src': ["'self'"],
      // data: for the empty favicon that spares browsers a request to /favicon.ico.
      'img-src': ["'self'", 'data:'],
      'upgrade-insecure-requests': null,
    },
  },
  referrerPolicy: { policy: 'same-origin' },
});

/**
 * The admin dashboard, mounted at `/admin`: sign-in, the funnel page and its Retry
 * buttons, the Orders page and its Start billing buttons, the Usage page and its Confirm,
 * Resend and Close the month now buttons, the stylesheet, and the JSON API under `/admin/api`.
 */
export function adminRouter(deps: AdminDeps): Router {
  const router = Router();
  router.get('/assets/admin.css', (req, res) => {
    res.set({ 'Cache-Control': 'no-cache', ETag: CSS_ETAG, 'X-Content-Type-Options': 'nosniff' });
    if (req.get('if-none-match') === CSS_ETAG) return void res.status(304).end();
    res.type('css').send(ADMIN_CSS);
  });
  router.use('/api', apiRouter(deps));
  router.use(headers, (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use(requireAdminEnabled({ token: deps.token, clock: deps.clock }));
  if (deps.token !== null) router.use(loginRouter({ ...deps, token: deps.token }));
  router.use(pagesRouter(deps));
  router.use(ordersPagesRouter(deps));
  router.use(usagePagesRouter(deps));
  router.use(reconciliationRouter(deps));
  router.use(pageErrors(deps.logger));
  return router;
}
