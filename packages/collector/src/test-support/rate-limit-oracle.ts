// express-rate-limit, set up as the collector's limits were before its own limiter
// (security/client-limit.ts) replaced it: the reference the tests hold that one to.
import type { RequestHandler } from 'express';
import { type Options, rateLimit } from 'express-rate-limit';

/** `limit` requests per client a minute, draft-8 headers, IPv6 grouped by /56. */
export function referencePerMinute(limit: number, options: Partial<Options>): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    validate: { xForwardedForHeader: false },
    ...options,
  });
}

/**
 * The wrong-token budget: only refused tokens count; past the budget the guard is told
 * (in `res.locals`, as security/rate-limit.ts tells it) and decides.
 */
export function referenceTokenGuessLimit(perMinute: number): RequestHandler {
  return referencePerMinute(perMinute, {
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401 && res.statusCode !== 429,
    handler: (_req, res, next) => {
      res.locals.tokenGuessesRetryAfter = res.getHeader('Retry-After') ?? '60';
      res.removeHeader('Retry-After');
      next();
    },
  });
}
