import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from '../log.js';
import { messagePage } from './views/layout.js';

const REASONS: Record<string, string> = {
  'entity.too.large': 'request body too large',
  'entity.parse.failed': 'body is not valid JSON',
  'charset.unsupported': 'unsupported charset',
  'encoding.unsupported': 'unsupported content encoding',
  'parameters.too.many': 'too many form fields',
};

function describe(error: { status?: number; type?: string }, logger: Logger, what: string) {
  // body-parser errors carry a 4xx status; anything else is ours (or the store's).
  const status = error.status !== undefined && error.status < 500 ? error.status : 500;
  if (status >= 500) logger.error('collector', `admin: ${what} failed: ${String(error)}`);
  const reason = REASONS[error.type ?? ''] ?? (status >= 500 ? 'internal error' : 'bad request');
  return { status, reason };
}

/** Errors of the admin JSON API as `{ error }`. */
export const jsonErrors =
  (logger: Logger): ErrorRequestHandler =>
  (error, req, res, _next) => {
    const { status, reason } = describe(error, logger, `${req.method} ${req.baseUrl}${req.path}`);
    res.status(status).json({ error: reason });
  };

/** Errors of the admin pages as a short HTML page. */
export const pageErrors =
  (logger: Logger): ErrorRequestHandler =>
  (error, req, res, _next) => {
    const { status, reason } = describe(error, logger, `${req.method} ${req.baseUrl}${req.path}`);
    sendPage(
      res,
      status,
      messagePage(status >= 500 ? 'Something went wrong' : 'Bad request', reason),
    );
  };

/** Sends an admin HTML page with `status`. */
export function sendPage(res: Response, status: number, page: string): void {
  res.status(status).type('html').send(page);
}
