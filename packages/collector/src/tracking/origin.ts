import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';

/**
 * The page origin a beacon came from: the `Origin` header, else the origin of the
 * `Referer`; null when neither tells (`Origin: null` is a browser hiding it, as under
 * `Referrer-Policy: no-referrer`, or an opaque origin).
 */
export function getRequestOrigin(req: IncomingMessage): string | null {
  const { origin } = req.headers;
  if (origin && origin !== 'null') return origin;
  // As Express's req.get('referer') reads it.
  const referer = req.headers.referrer ?? req.headers.referer;
  return typeof referer === 'string' && referer && URL.canParse(referer)
    ? new URL(referer).origin
    : null;
}

/**
 * Whether a beacon is accepted from where it came. Without an allow-list, from anywhere.
 * With one, its origin must be listed; when the browser hid the origin, only its
 * `Sec-Fetch-Site: same-origin` (a page on the collector's own origin, which the provider
 * controls) will do. `same-site` will not: a sibling subdomain is not an origin the list
 * names. A client sending none of these headers is not a browser on an allowed page, and
 * a non-browser client can write any of them anyway: the check stops drive-by use by
 * other pages, not a determined forger.
 */
export function isOriginAllowed(req: IncomingMessage, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return true;
  const origin = getRequestOrigin(req);
  if (origin !== null) return allowed.includes(origin);
  return req.headers['sec-fetch-site'] === 'same-origin';
}

// Origin added to what already varies, as Express's res.vary adds it; nothing does, for a
// beacon, so it is set plainly.
function varyOnOrigin(res: ServerResponse): void {
  const there = res.getHeader('Vary');
  if (there === undefined) return void res.setHeader('Vary', 'Origin');
  const list = Array.isArray(there) ? there.join(', ') : String(there);
  const fields = list.split(',').map((field) => field.trim().toLowerCase());
  if (fields.includes('*')) return void res.setHeader('Vary', '*');
  if (fields.includes('origin')) return;
  res.setHeader('Vary', list.trim() === '' ? 'Origin' : `${list}, Origin`);
}

/** Lets the page read the answer: echoes an allowed `Origin` (never `*`, never `null`). */
export function setCorsHeaders(
  req: IncomingMessage,
  res: ServerResponse,
  allowed: readonly string[],
): void {
  varyOnOrigin(res);
  const { origin } = req.headers;
  if (origin && origin !== 'null' && (allowed.length === 0 || allowed.includes(origin)))
    res.setHeader('Access-Control-Allow-Origin', origin);
}

/**
 * CORS headers and `no-store` on a beacon's answer; whether the page it came from may send
 * beacons. Node's own response will do: nothing here needs Express's.
 */
export function originHeaders(
  req: IncomingMessage,
  res: ServerResponse,
  allowed: readonly string[],
): boolean {
  setCorsHeaders(req, res, allowed);
  res.setHeader('Cache-Control', 'no-store');
  return isOriginAllowed(req, allowed);
}

/**
 * {@link originHeaders}; then, for a beacon from a page the allow-list does not name, a 403
 * answer and false.
 */
export function admitOrigin(req: Request, res: Response, allowed: readonly string[]): boolean {
  if (originHeaders(req, res, allowed)) return true;
  refuseOrigin(res);
  return false;
}

/** The answer to a beacon from a page the allow-list does not name. */
export function refuseOrigin(res: Response): void {
  res.status(403).json({ error: 'origin not allowed' });
}

/** {@link admitOrigin} as middleware; `onRefused` counts a refused beacon (not a preflight). */
export function checkOrigin(allowed: readonly string[], onRefused: () => void): RequestHandler {
  return (req, res, next) => {
    if (admitOrigin(req, res, allowed)) return next();
    if (req.method !== 'OPTIONS') onRefused();
  };
}
