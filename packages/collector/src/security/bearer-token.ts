import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { TOO_MANY_GUESSES, tokenGuessesSpent } from './rate-limit.js';

// Comparing fixed-length digests keeps the time independent of where (and whether) the
// lengths or bytes differ.
const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Compares a submitted token with the configured one in time independent of where they differ. */
export function tokenMatches(given: string, token: string): boolean {
  return timingSafeEqual(digest(given), digest(token));
}

/** Wording and hooks of one {@link requireBearerToken} guard. */
export interface BearerGuardOptions {
  /** Answer (403) to every request when no token is configured. */
  disabled: string;
  /** Answer (401) to a missing or wrong token. */
  required: string;
  /** Told of each refused request (metrics). */
  onRefused?: () => void;
}

/**
 * Guards routes with `Authorization: Bearer <token>`: 401 without the header or with a
 * wrong token (429 once the address used up its budget of refused tokens), 403 for every
 * request when `token` is null.
 */
export function requireBearerToken(
  token: string | null,
  options: BearerGuardOptions,
): RequestHandler {
  const expected = token ? digest(token) : null;
  return (req, res, next) => {
    res.set('Cache-Control', 'no-store');
    if (!expected) {
      options.onRefused?.();
      res.status(403).json({ error: options.disabled });
      return;
    }
    const given = /^Bearer[ ]+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];
    if (given !== undefined && timingSafeEqual(digest(given), expected)) return next();
    options.onRefused?.();
    // The right token passes whatever this address did before; a wrong one past the
    // budget of tokenGuessLimit is told to wait.
    if (tokenGuessesSpent(res)) {
      res.status(429).json({ error: TOO_MANY_GUESSES });
      return;
    }
    res.set('WWW-Authenticate', 'Bearer realm="clm-collector"');
    res.status(401).json({ error: options.required });
  };
}
