import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { pino } from 'pino';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../log.js';

/** Header carrying the request id, in both directions. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

const VALID_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The caller's `X-Request-Id` when it is 1-64 of `[A-Za-z0-9._-]`, else a new UUID. */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && VALID_ID.test(header) ? header : randomUUID();
}

// The query string is left out: GET /beacon?d=... carries customer ids.
const pathOf = (req: IncomingMessage) => {
  const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '';
  return url.split('?', 1)[0]?.slice(0, 256) ?? '';
};

const summary = (req: IncomingMessage, res: ServerResponse, responseTime: number) => ({
  method: req.method ?? '',
  path: pathOf(req),
  status: res.statusCode,
  responseTime,
});

const message = (req: IncomingMessage, res: ServerResponse, responseTime: number) =>
  res.writableEnded
    ? `${req.method} ${pathOf(req)} ${res.statusCode} ${responseTime}ms`
    : `${req.method} ${pathOf(req)} aborted after ${responseTime}ms`;

/**
 * Gives every request an id (echoed as `X-Request-Id`, set as `req.id`) and logs its
 * outcome under component `http`: 5xx at error, the rest at debug, so a collector at level
 * info stays quiet. Lines hold method, path, status and response time only: no headers,
 * cookies, bodies or query strings.
 */
export function requestLog(logger: Logger): RequestHandler {
  return logger.pino?.isLevelEnabled('debug') ? pinoRequestLog(logger.pino) : failureLog(logger);
}

// Every request logged: pino-http, binding the id on `req.log`.
function pinoRequestLog(base: pino.Logger): RequestHandler {
  return pinoHttp({
    logger: base.child({ component: 'http' }),
    genReqId: (req, res) => {
      const id = requestIdOf(req.headers['x-request-id']);
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    quietReqLogger: true,
    quietResLogger: true,
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'debug'),
    customSuccessObject: (req, res, val: { responseTime: number }) =>
      summary(req, res, val.responseTime),
    customErrorObject: (req, res, _error, val: { responseTime: number }) =>
      summary(req, res, val.responseTime),
    customSuccessMessage: message,
    customErrorMessage: (req, res, _error, responseTime?: number) =>
      message(req, res, responseTime ?? 0),
    // Nothing of the raw request is serialised, even for loggers that are never written.
    wrapSerializers: false,
    serializers: { req: () => undefined },
  }) as RequestHandler;
}

// Only failures logged (level info and above): the same id and the same 5xx line, without
// pino-http's two child loggers per request, which cost a fifth of the beacon throughput
// (measured with autocannon against the built collector, see docs/benchmarks.md).
function failureLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const id = requestIdOf(req.headers['x-request-id']);
    req.id = id;
    res.setHeader(REQUEST_ID_HEADER, id);
    const started = performance.now();
    res.once('finish', () => {
      if (res.statusCode < 500) return;
      const responseTime = Math.round(performance.now() - started);
      logger.error('http', message(req, res, responseTime), {
        reqId: id,
        ...summary(req, res, responseTime),
      });
    });
    next();
  };
}
