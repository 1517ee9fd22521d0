import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../log.js';

// body-parser's failures, worded for the client.
const MESSAGES: Record<string, string> = {
  'entity.too.large': 'beacon too large',
  'charset.unsupported': 'unsupported charset',
  'encoding.unsupported': 'unsupported content encoding',
};

/**
 * The app's last handler: a 4xx carried by the error (body-parser's: oversize, bad charset,
 * aborted upload) with its short reason, anything else a logged 500 that says nothing of it.
 */
export function errorAnswer(logger: Logger): ErrorRequestHandler {
  return (error: { status?: number; type?: string }, req, res, _next) => {
    const status = error.status ?? 500;
    if (status >= 500)
      logger.error('collector', `${req.method} ${req.path} failed: ${String(error)}`, {
        reqId: String(req.id),
      });
    res.status(status).json({
      error: MESSAGES[error.type ?? ''] ?? (status >= 500 ? 'internal error' : 'bad request'),
    });
  };
}
