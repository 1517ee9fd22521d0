import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express, Request, Response } from 'express';
import proxyaddr from 'proxy-addr';

/**
 * Answers a request ahead of the router, or returns false to leave it to the router. It
 * decides from the method, URL and headers alone, before it reads anything.
 */
export type AheadHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

type Handle = (req: IncomingMessage, res: ServerResponse, done?: unknown) => void;

/**
 * Lets `take` see every request before Express's router does. The router walks every layer
 * of the app for every request (a tenth of a beacon's cost, measured with `--cpu-prof`);
 * one hot endpoint can skip that walk, while everything it does not take (and every
 * request it refuses to take) goes the usual way. Express dispatches each request through
 * `app.handle`, so that is where this hooks in, whether the app is served by `listenOn`,
 * `app.listen` or `http.createServer(app)`.
 */
export function routeAhead(app: Express, take: AheadHandler): void {
  const inner = app as unknown as { handle: Handle };
  const route = inner.handle;
  inner.handle = function handle(this: unknown, req, res, done) {
    if (!take(req, res)) route.call(this, req, res, done);
  };
}

/**
 * Express's request and response for a request taken ahead of the router, asked for only
 * where an answer needs Express's helpers (a refusal, the error handler): see {@link adopt}.
 */
export type ExpressPair = (req: IncomingMessage, res: ServerResponse) => [Request, Response];

/**
 * Gives `req` and `res` what Express gives them before its router runs (its request and
 * response methods, `res.locals`, `req.originalUrl`), so a handler taken ahead can use
 * Express's helpers and middleware; a pair Express already made is returned as it is.
 *
 * Only where they are needed: a response whose prototype was changed this way costs V8
 * more than everything else a beacon does (measured: 141–162 µs of CPU per purchase with
 * both adopted up front, 80–88 µs with neither, and 180 against 135 MB peak RSS; see
 * docs/benchmarks.md), so a beacon answered 204 is never adopted.
 */
export function adopt(
  app: Express,
  req: IncomingMessage,
  res: ServerResponse,
): [Request, Response] {
  const request = req as Request;
  const response = res as Response;
  if (Object.getPrototypeOf(res) === app.response) return [request, response];
  request.res = response;
  response.req = request;
  Object.setPrototypeOf(req, app.request);
  Object.setPrototypeOf(res, app.response);
  response.locals ??= Object.create(null);
  request.originalUrl ??= req.url ?? '';
  return [request, response];
}

/**
 * The client's address as Express's `req.ip` gives it (the app's `trust proxy` setting
 * decides which `X-Forwarded-For` hop counts), for a request Express has not adopted.
 */
export function clientAddress(app: Express): (req: IncomingMessage) => string | undefined {
  return (req) => proxyaddr(req, app.get('trust proxy fn'));
}
