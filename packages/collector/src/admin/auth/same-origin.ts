import type { Request } from 'express';

const originOf = (url: string | undefined) =>
  url !== undefined && URL.canParse(url) ? new URL(url).origin : undefined;

/**
 * Whether a state-changing request comes from a page of this collector: its `Origin` (or,
 * failing that, its `Referer`) must be the origin the request was addressed to. Requests
 * with neither, or with `Origin: null`, are not. `req.protocol` and `req.host` follow the
 * app's `trust proxy` setting, so this holds behind a TLS-terminating proxy too.
 */
export function isSameOrigin(req: Request): boolean {
  const expected = req.host ? originOf(`${req.protocol}://${req.host}`) : undefined;
  if (!expected) return false;
  const origin = req.get('origin');
  const claimed = origin !== undefined ? originOf(origin) : originOf(req.get('referer'));
  return claimed === expected;
}
