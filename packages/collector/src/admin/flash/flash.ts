import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { adminCookieOptions } from '../auth/cookie-options.js';
import { readCookie } from '../auth/session.js';

/** The cookie that carries what an action did to the page it redirects to. */
export const FLASH_COOKIE = 'clm_flash';

/** How long a notice waits for its page: the redirect's GET follows at once. */
export const FLASH_TTL_MS = 60_000;

// Derived from the admin token under its own label, as the session and confirm keys are:
// none of the three passes for another.
const flashKey = (adminToken: string) =>
  createHmac('sha256', adminToken).update('clm-admin-flash-v1').digest();

const sign = (adminToken: string, payload: string) =>
  createHmac('sha256', flashKey(adminToken)).update(payload).digest();

/** Who sets and reads notices: the admin token that signs them, and the clock. */
export interface FlashKeys {
  token: string | null;
  clock: { now(): number };
}

/**
 * Hands `notice` (what an action did) to the next load of `page`, once: a signed cookie
 * the page reads and clears, so a reload, the back button or a shared link shows nothing.
 */
export function setFlash(
  req: Request,
  res: Response,
  keys: FlashKeys,
  page: string,
  notice: unknown,
): void {
  if (keys.token === null) return;
  const expires = keys.clock.now() + FLASH_TTL_MS;
  const payload = Buffer.from(JSON.stringify({ page, expires, notice })).toString('base64url');
  const value = `${payload}.${sign(keys.token, payload).toString('base64url')}`;
  res.cookie(FLASH_COOKIE, value, { ...adminCookieOptions(req), maxAge: FLASH_TTL_MS });
}

function read(value: string, keys: FlashKeys & { token: string }) {
  const [payload = '', signature = ''] = value.split('.');
  const expected = sign(keys.token, payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
    page?: unknown;
    expires?: unknown;
    notice?: unknown;
  };
  return typeof data.expires === 'number' && data.expires > keys.clock.now() ? data : null;
}

/**
 * The notice set for `page`, if one waits: read once and cleared with this answer. A
 * notice for another page is left to it (until it expires); a forged or expired one is
 * cleared and shows nothing.
 */
export function takeFlash(req: Request, res: Response, keys: FlashKeys, page: string): unknown {
  const value = readCookie(req.get('cookie'), FLASH_COOKIE);
  if (value === undefined || keys.token === null) return undefined;
  const data = read(value, { ...keys, token: keys.token });
  if (data !== null && data.page !== page) return undefined;
  res.clearCookie(FLASH_COOKIE, adminCookieOptions(req));
  return data?.notice;
}
