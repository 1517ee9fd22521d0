import express, { type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import { isUtf8ContentType } from './charset.js';
import { hasBody } from './has-body.js';

/** How one JSON endpoint words and counts a body it cannot take. */
export interface JsonBodyOptions {
  /** Largest body accepted, in bytes. */
  limit: number;
  /**
   * Answer (400) to a request without a body, e.g. "body required: a JSON object with …";
   * null when a body is optional (`req.body` is then the empty string).
   */
  missing: string | null;
  /** Told of each body refused here (metrics). */
  onRefused?: () => void;
}

const fail = (res: Response, status: number, error: string) => {
  res.status(status).json({ error });
};

/**
 * Reads a JSON request body as text into `req.body` (so the caller's schema sees exactly
 * what was sent): 400 without a body, 415 unless `application/json` in UTF-8, 413 past
 * `limit`, each with a JSON `{error}`. Mount {@link jsonBodyErrors} after the route.
 */
export function readJsonText(options: JsonBodyOptions): RequestHandler[] {
  const { limit, missing, onRefused } = options;
  return [
    (req, res, next) => {
      if (!hasBody(req)) {
        if (missing === null) {
          req.body = '';
          return next();
        }
        onRefused?.();
        return fail(res, 400, missing);
      }
      if (req.is('application/json') && isUtf8ContentType(req.get('content-type'))) return next();
      onRefused?.();
      fail(res, 415, 'Content-Type must be application/json, in UTF-8');
    },
    express.text({ type: 'application/json', limit }),
  ];
}

/** body-parser's errors (oversize, bad charset, aborted upload) in a JSON API's words. */
export function jsonBodyErrors(options: JsonBodyOptions): ErrorRequestHandler {
  return (error: { status?: number; type?: string }, _req, res, next) => {
    if (!error.status || error.status >= 500) return next(error);
    options.onRefused?.();
    const tooLarge = error.type === 'entity.too.large';
    fail(
      res,
      error.status,
      tooLarge ? `body too large (at most ${options.limit} bytes)` : 'unreadable body',
    );
  };
}
