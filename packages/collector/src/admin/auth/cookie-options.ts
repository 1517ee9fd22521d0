import type { CookieOptions, Request } from 'express';

/** How every admin cookie is set: script cannot read it, other sites never send it. */
export const adminCookieOptions = (req: Request): CookieOptions => ({
  httpOnly: true,
  sameSite: 'strict',
  path: '/admin',
  // Behind a TLS-terminating proxy this needs CLM_TRUST_PROXY, like req.ip does.
  secure: req.secure,
});
