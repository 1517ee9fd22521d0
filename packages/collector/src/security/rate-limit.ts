import type { RequestHandler } from 'express';
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

/** Per-client limit on beacons: `perMinute` a minute. Preflights are not counted. */
export function beaconRateLimit(perMinute: number): RequestHandler {
  return perClientPerMinute(perMinute, {
    skip: (req) => req.method === 'OPTIONS',
    message: { error: 'too many beacons from this address, retry later' },
  });
}

/**
 * Per-client limit on refused bearer tokens (`/metrics`, `/admin/api`, `/api/purchases`):
 * only 401 answers count, so clients with the right token are never slowed, and guessing
 * stops at `perMinute` tries per IP. Share one instance so the routes share the budget.
 */
export function tokenGuessLimit(perMinute: number): RequestHandler {
  return perClientPerMinute(perMinute, {
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    message: { error: 'too many refused tokens from this address, retry in a minute' },
  });
}
