import type { RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Secure headers for HTML pages (helmet's defaults: a same-origin Content-Security-Policy,
 * `X-Frame-Options`, `Referrer-Policy: no-referrer`, HSTS…). Not for `/pixel.js` or
 * `/beacon`, which other origins must be able to load and call. `options` adjust the
 * defaults (helmet merges CSP directives into its own).
 */
export const htmlSecurityHeaders = (options?: HelmetOptions): RequestHandler => helmet(options);
