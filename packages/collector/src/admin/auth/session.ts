import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Name of the admin session cookie. */
export const SESSION_COOKIE = 'clm_admin';

/** How long a sign-in lasts. */
export const SESSION_TTL_MS = 8 * 3_600_000;

// A key derived from the admin token: rotating CLM_ADMIN_TOKEN invalidates every session,
// and the token itself never signs anything a client sees.
const sessionKey = (adminToken: string) =>
  createHmac('sha256', adminToken).update('clm-admin-session-v1').digest();

const sign = (adminToken: string, payload: string) =>
  createHmac('sha256', sessionKey(adminToken)).update(payload).digest();

/**
 * A new session value `<expires-ms>.<nonce>.<hmac>`, valid for {@link SESSION_TTL_MS} from
 * `now`. Stateless: only the admin token is needed to check it.
 */
export function createSession(adminToken: string, now: number): string {
  const payload = `${now + SESSION_TTL_MS}.${randomBytes(16).toString('base64url')}`;
  return `${payload}.${sign(adminToken, payload).toString('base64url')}`;
}

/** Whether `value` is a session signed with `adminToken` that has not expired at `now`. */
export function isValidSession(
  value: string | undefined,
  adminToken: string,
  now: number,
): boolean {
  const match = /^(\d{1,15})\.([\w-]{22})\.([\w-]{43})$/.exec(value ?? '');
  if (!match) return false;
  const [, expires = '', nonce = '', signature = ''] = match;
  const expected = sign(adminToken, `${expires}.${nonce}`);
  const given = Buffer.from(signature, 'base64url');
  const authentic = given.length === expected.length && timingSafeEqual(given, expected);
  return authentic && Number(expires) > now;
}

/** The value of cookie `name` in a `Cookie` header, if present. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at !== -1 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}
