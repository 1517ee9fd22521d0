import type { RequestHandler, Response } from 'express';
import { type Options, rateLimit } from 'express-rate-limit';

/**
 * `limit` requests per client IP (IPv6 grouped by /56) in a sliding minute, then 429 with
 * `RateLimit` and `Retry-After` headers; `options` add what counts and the answer. The
 * client IP is `req.ip`, so it follows the app's `trust proxy` setting.
 */
export function perClientPerMinute(limit: number, options: Partial<Options>): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // Behind no proxy an X-Forwarded-For header is just a client's claim: ignored on
    // purpose (CLM_TRUST_PROXY), so the library's misconfiguration warning is noise.
    validate: { xForwardedForHeader: false },
    ...options,
  });
}

/** What an address that used up its wrong-token budget is told. */
export const TOO_MANY_GUESSES = 'too many refused tokens from this address, retry in a minute';

const SPENT = 'tokenGuessesRetryAfter';

/**
 * Per-client limit on refused tokens (bearer: `/metrics`, `/admin/api`, `/api/*`; and the
 * admin sign-in form, with a budget of its own): only
 * refused tokens count, and past `perMinute` of them the guards answer a wrong token 429
 * (see {@link tokenGuessesSpent}) while the right one still passes: an attacker sharing
 * the provider's address must not lock its backend out. Share one instance so the routes
 * share the budget.
 */
export function tokenGuessLimit(perMinute: number): RequestHandler {
  return perClientPerMinute(perMinute, {
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401 && res.statusCode !== 429,
    // Over the budget: nothing is refused here, the guard knows whether the token is right.
    handler: (_req, res, next) => {
      res.locals[SPENT] = res.getHeader('Retry-After') ?? '60';
      res.removeHeader('Retry-After');
      next();
    },
  });
}

/**
 * Whether this request's address used up its wrong-token budget; if so, sets the
 * `Retry-After` the refusal carries.
 */
export function tokenGuessesSpent(res: Response): boolean {
  const retryAfter = res.locals[SPENT] as string | number | undefined;
  if (retryAfter === undefined) return false;
  res.set('Retry-After', String(retryAfter));
  return true;
}
