import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Secure headers for HTML pages (helmet's defaults: a same-origin Content-Security-Policy,
 * `X-Frame-Options`, `Referrer-Policy: no-referrer`, HSTS…). Not for `/pixel.js` or
 * `/beacon`, which other origins must be able to load and call.
 */
export const htmlSecurityHeaders = (): RequestHandler => helmet();
