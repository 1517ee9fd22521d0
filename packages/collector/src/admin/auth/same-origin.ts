import type { Request } from 'express';

const originOf = (url: string | undefined) =>
  url !== undefined && URL.canParse(url) ? new URL(url).origin : undefined;

/**
 * Why a state-changing request does not come from a page of this collector, or null when
 * it does: its `Origin` (or, failing that, its `Referer`) must be the origin the request
 * was addressed to. Requests with neither, or with `Origin: null`, do not. `req.protocol`
 * and `req.host` follow the app's `trust proxy` setting, so this holds behind a
 * TLS-terminating proxy too, once it is trusted.
 */
export function crossOriginReason(req: Request): string | null {
  const expected = req.host ? originOf(`${req.protocol}://${req.host}`) : undefined;
  if (!expected) return 'the request names no Host';
  const origin = req.get('origin');
  const claimed = origin !== undefined ? originOf(origin) : originOf(req.get('referer'));
  if (claimed === expected) return null;
  if (claimed === undefined || claimed === 'null')
    return 'the browser sent no Origin or Referer for it';
  // Most often a proxy: the page is https://public.host, the collector sees http://upstream.
  return (
    `it came from ${claimed}, but the collector sees its own address as ${expected}. ` +
    'Behind a proxy, set CLM_TRUST_PROXY and have the proxy pass on Host (or ' +
    'X-Forwarded-Host) and X-Forwarded-Proto.'
  );
}

/** Whether a state-changing request comes from a page of this collector. */
export function isSameOrigin(req: Request): boolean {
  return crossOriginReason(req) === null;
}
