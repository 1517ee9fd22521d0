import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express, Request, Response } from 'express';

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
 * Gives `req` and `res` what Express gives them before its router runs (its request and
 * response methods, `res.locals`, `req.originalUrl`), so a handler taken ahead can use
 * Express's helpers and middleware such as rate limiters.
 */
export function adopt(
  app: Express,
  req: IncomingMessage,
  res: ServerResponse,
): [Request, Response] {
  const request = req as Request;
  const response = res as Response;
  request.res = response;
  response.req = request;
  Object.setPrototypeOf(req, app.request);
  Object.setPrototypeOf(res, app.response);
  response.locals ??= Object.create(null);
  request.originalUrl ??= req.url ?? '';
  return [request, response];
}
