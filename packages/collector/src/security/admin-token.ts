import type { RequestHandler } from 'express';
import { requireBearerToken } from './bearer-token.js';

/**
 * Guards admin routes with `Authorization: Bearer <CLM_ADMIN_TOKEN>`: 401 without the
 * header or with a wrong token, 403 for every request when no token is configured.
 */
export function requireAdminToken(token: string | null): RequestHandler {
  return requireBearerToken(token, {
    disabled: 'admin access is disabled: CLM_ADMIN_TOKEN is not set',
    required: 'admin token required',
  });
}
