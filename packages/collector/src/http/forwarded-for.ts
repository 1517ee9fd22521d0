import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.js';
import type { TrustProxy } from './settings.js';

/**
 * Warns once, on the first `X-Forwarded-For` header, when proxies are not trusted: a proxy
 * is probably in front, so every visitor counts as the proxy's one address and they all
 * share one rate-limit budget. The addresses themselves are not logged.
 */
export function warnOnUntrustedForwardedFor(
  trustProxy: TrustProxy,
  logger: Logger,
): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  let warned = trustProxy !== false;
  return (req, _res, next) => {
    if (!warned && req.headers['x-forwarded-for'] !== undefined) {
      warned = true;
      logger.warn(
        'collector',
        'a request came with X-Forwarded-For but CLM_TRUST_PROXY is not set: if a proxy is in front, every visitor shares its one rate-limit budget; name the proxy in CLM_TRUST_PROXY',
      );
    }
    next();
  };
}
