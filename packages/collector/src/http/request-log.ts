import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { RequestHandler } from 'express';
import type { pino } from 'pino';
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
  return logger.pino && logsEveryRequest(logger)
    ? pinoRequestLog(logger.pino)
    : failureMiddleware(logger);
}

/** Whether {@link requestLog} logs every request (level debug), not only failures. */
export function logsEveryRequest(logger: Logger): boolean {
  return logger.pino?.isLevelEnabled('debug') ?? false;
}

// Loaded only at level debug (below): a collector logging failures alone never needs it.
const load = createRequire(import.meta.url);

// Every request logged: pino-http, binding the id on `req.log`.
function pinoRequestLog(base: pino.Logger): RequestHandler {
  const { pinoHttp } = load('pino-http') as typeof import('pino-http');
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

/** The request id and failure line of {@link requestLog} at level info, in two steps. */
export interface FailureLog {
  /** Gives the request its id (`req.id`, `X-Request-Id`) and notes when it started. */
  tag(req: IncomingMessage & { id?: unknown }, res: ServerResponse): void;
  /** Logs the answer if it is a 5xx, once it is sent (once per response however called). */
  watch(res: ServerResponse): void;
}

// Only failures logged (level info and above): the same id and the same 5xx line, without
// pino-http's two child loggers per request, which cost a fifth of the beacon throughput
// (measured with autocannon against the built collector, see docs/benchmarks.md). One
// listener function for every response, reading what it needs from the response itself:
// no closure per request.
const STARTED = Symbol('started');
const WATCHED = Symbol('watched');
type Timed = ServerResponse & {
  [STARTED]?: number;
  [WATCHED]?: boolean;
  req: IncomingMessage & { id?: unknown };
};

/**
 * The failure log's two steps apart: beacons taken ahead of the router are tagged, and
 * watched only when they are about to be answered with a 5xx (a listener per response
 * costs a beacon more than anything else the log does).
 */
export function failureLog(logger: Logger): FailureLog {
  function onFinish(this: Timed) {
    if (this.statusCode < 500) return;
    const responseTime = Math.round(performance.now() - (this[STARTED] ?? 0));
    const reqId = String(this.req.id);
    logger.error('http', message(this.req, this, responseTime), {
      reqId,
      ...summary(this.req, this, responseTime),
    });
  }
  return {
    tag(req, res) {
      const id = requestIdOf(req.headers['x-request-id']);
      req.id = id;
      res.setHeader(REQUEST_ID_HEADER, id);
      (res as Timed)[STARTED] = performance.now();
    },
    watch(res) {
      const timed = res as Timed;
      if (timed[WATCHED]) return;
      timed[WATCHED] = true;
      res.on('finish', onFinish);
    },
  };
}

function failureMiddleware(logger: Logger): RequestHandler {
  const { tag, watch } = failureLog(logger);
  return (req, res, next) => {
    tag(req, res);
    watch(res);
    next();
  };
}
