import type { RequestHandler } from 'express';

/**
 * A handler built on the first request that reaches it. The modules behind it are loaded
 * then, not when the collector starts: the admin's pages, views and their schemas are
 * several MB of memory a collector nobody opens the dashboard of would hold for nothing.
 * A failed load goes to the error handler and is tried again on the next request.
 */
export function lazyHandler(load: () => Promise<RequestHandler>): RequestHandler {
  let loading: Promise<RequestHandler> | undefined;
  return (req, res, next) => {
    if (loading === undefined) {
      const attempt = load();
      loading = attempt;
      attempt.catch(() => {
        if (loading === attempt) loading = undefined;
      });
    }
    // A handler that throws goes to the error handler too, never to an unhandled rejection.
    loading.then((handler) => handler(req, res, next), next).catch(next);
  };
}
