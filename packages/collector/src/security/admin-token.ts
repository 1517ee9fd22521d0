import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

// Comparing fixed-length digests keeps the time independent of where (and whether) the
// lengths or bytes differ.
const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Guards admin routes with `Authorization: Bearer <CLM_ADMIN_TOKEN>`: 401 without the
 * header or with a wrong token, 403 for every request when no token is configured.
 */
export function requireAdminToken(token: string | null): RequestHandler {
  const expected = token ? digest(token) : null;
  return (req, res, next) => {
    res.set('Cache-Control', 'no-store');
    if (!expected) {
      res.status(403).json({ error: 'admin access is disabled: CLM_ADMIN_TOKEN is not set' });
      return;
    }
    const given = /^Bearer[ ]+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];
    if (given !== undefined && timingSafeEqual(digest(given), expected)) return next();
    res.set('WWW-Authenticate', 'Bearer realm="clm-collector"');
    res.status(401).json({ error: 'admin token required' });
  };
}
