import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long a confirm page may wait for its button. */
export const CONFIRM_TTL_MS = 15 * 60_000;

/** A confirm token as the confirm form carries it: `<expires-ms>.<hmac>`. */
export const CONFIRM_TOKEN = /^\d{1,15}\.[\w-]{43}$/;

// Derived from the admin token, as the session key is, under its own label: a session
// value can never pass for a confirmation, nor the other way round.
const confirmKey = (adminToken: string) =>
  createHmac('sha256', adminToken).update('clm-admin-confirm-v1').digest();

const sign = (adminToken: string, action: string, expires: number, state: string) =>
  createHmac('sha256', confirmKey(adminToken)).update(`${action}\n${expires}\n${state}`).digest();

/**
 * A token for the confirm form of `action`, bound to `state`: what the collector read
 * when it showed the page (the SKUs' calls, the period and its sums, the report's
 * attempts). Stateless, so it works on every instance sharing the database; it cannot be
 * used twice because the action itself changes that state.
 */
export function createConfirmToken(
  adminToken: string,
  action: string,
  state: string,
  now: number,
): string {
  const expires = now + CONFIRM_TTL_MS;
  return `${expires}.${sign(adminToken, action, expires, state).toString('base64url')}`;
}

/**
 * `valid` when `token` was made for `action` in exactly `state` and has not expired;
 * `changed` when the state is no longer the one shown (the action was done, or what it
 * would send changed); `expired` otherwise.
 */
export function checkConfirmToken(
  adminToken: string,
  action: string,
  state: string,
  token: string,
  now: number,
): 'valid' | 'changed' | 'expired' {
  const [expires = '', signature = ''] = token.split('.');
  const expected = sign(adminToken, action, Number(expires), state);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'changed';
  return Number(expires) > now ? 'valid' : 'expired';
}
