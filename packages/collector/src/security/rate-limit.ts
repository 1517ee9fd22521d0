import type { RequestHandler, Response } from 'express';
import { clientCounter } from '../security/client-limit.js';

/** What an address that used up its wrong-token budget is told. */
export const TOO_MANY_GUESSES = 'too many refused tokens from this address, retry in a minute';

const SPENT = 'tokenGuessesRetryAfter';

// A token guard's answers that count as a guess: a refused token, or one refused for the
// budget being spent.
const isGuess = (res: Response) => res.statusCode === 401 || res.statusCode === 429;

/**
 * Per-client limit on refused tokens (bearer: `/metrics`, `/admin/api`, `/api/*`; and the
 * admin sign-in form, with a budget of its own): only
 * refused tokens count, and past `perMinute` of them the guards answer a wrong token 429
 * (see {@link tokenGuessesSpent}) while the right one still passes: an attacker sharing
 * the provider's address must not lock its backend out. Share one instance so the routes
 * share the budget. Each request is counted as it comes (its `RateLimit` headers say so)
 * and given back once answered, unless the answer refused its token.
 */
export function tokenGuessLimit(perMinute: number): RequestHandler {
  const counter = clientCounter(perMinute);
  return (req, res, next) => {
    const client = counter.count(req.ip, res);
    const { resetAt } = client;
    res.once('finish', () => {
      if (!isGuess(res)) counter.refund(client, resetAt);
    });
    // Over the budget: nothing is refused here, the guard knows whether the token is right.
    if (client.hits > perMinute) res.locals[SPENT] = String(counter.secondsLeft(client));
    next();
  };
}

/**
 * Whether this request's address used up its wrong-token budget; if so, sets the
 * `Retry-After` the refusal carries.
 */
export function tokenGuessesSpent(res: Response): boolean {
  const retryAfter = res.locals[SPENT] as string | undefined;
  if (retryAfter === undefined) return false;
  res.set('Retry-After', retryAfter);
  return true;
}
