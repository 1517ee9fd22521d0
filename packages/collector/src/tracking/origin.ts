import type { Request, Response } from 'express';

/**
 * The page origin a beacon came from: the `Origin` header, else the origin of the
 * `Referer` (image requests carry no `Origin`); null when the client sent neither.
 */
export function getRequestOrigin(req: Request): string | null {
  const origin = req.get('origin');
  if (origin) return origin;
  const referer = req.get('referer');
  return referer && URL.canParse(referer) ? new URL(referer).origin : null;
}

/**
 * Whether beacons from `origin` are accepted. An empty allow-list accepts any origin; a
 * request without one (server-side or privacy-stripped) is accepted too, since the
 * provider key check still applies and a non-browser client can forge headers anyway.
 */
export function isOriginAllowed(origin: string | null, allowed: readonly string[]): boolean {
  return origin === null || allowed.length === 0 || allowed.includes(origin);
}

/** Lets the page read the answer: echoes an allowed `Origin` (never `*`). */
export function setCorsHeaders(req: Request, res: Response, allowed: readonly string[]): void {
  res.vary('Origin');
  const origin = req.get('origin');
  if (origin && isOriginAllowed(origin, allowed)) res.set('Access-Control-Allow-Origin', origin);
}
