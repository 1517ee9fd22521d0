import type { Request } from 'express';

/**
 * Whether a request carries a body. Without one, `req.is()` knows no type and a JSON
 * parser would read "nothing" as `{}`, so endpoints where `{}` means something say that
 * a body is missing instead.
 */
export function hasBody(req: Request): boolean {
  return req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? 0) > 0;
}
