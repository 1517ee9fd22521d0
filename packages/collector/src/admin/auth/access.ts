import type { Request } from 'express';
import type { Clock } from '../../clock.js';
import { isValidSession, readCookie, SESSION_COOKIE } from './session.js';

/** What every admin route needs to know to authenticate a request. */
export interface AdminAuth {
  /** CLM_ADMIN_TOKEN; null disables admin access entirely. */
  token: string | null;
  clock: Clock;
}

/** Whether the request carries a valid, unexpired session cookie. */
export function hasSession(req: Request, auth: AdminAuth): boolean {
  if (auth.token === null) return false;
  const value = readCookie(req.get('cookie'), SESSION_COOKIE);
  return isValidSession(value, auth.token, auth.clock.now());
}
