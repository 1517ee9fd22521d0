import type { Request, RequestHandler, Response } from 'express';
import type { RequestLogSteps } from '../http/request-log.js';
import { isBeaconType, readBeaconBody } from './beacon-body.js';
import type { BeaconIntake } from './beacon-intake.js';
import { admitOrigin } from './origin.js';

/** Dependencies of {@link beaconRoute}. */
export interface BeaconRouteDeps {
  intake: BeaconIntake;
  allowedOrigins: readonly string[];
  /** The request log's two steps, which the layers behind this one would have taken. */
  log: RequestLogSteps;
  /** The `X-Forwarded-For` warning every request passes. */
  warnForwarded: RequestHandler;
  /** Counts and answers what went wrong unexpectedly, or a body that could not be read. */
  onError: (error: unknown, req: Request, res: Response) => void;
}

// What Express's route for '/beacon' matched: either case, one trailing slash, any query.
const BEACON_PATH = /^\/beacon\/?$/i;
const isBeaconPath = (req: Request) => req.url === '/beacon' || BEACON_PATH.test(req.path);

const GONE = 'GET /beacon is gone: load the current pixel.js, which sends beacons by POST';
const none = () => {};

/**
 * `/beacon`, as the app's first layer: beacons are the hot path, and Express walks its layers
 * one by one for every request (a tenth of a beacon's cost, measured with `--cpu-prof`), so
 * here the walk stops at once. It does for a beacon what the layers it skips would (the
 * request id and log, the `X-Forwarded-For` warning); other paths and methods go on.
 * `POST` takes a text or JSON body; `OPTIONS` is its preflight; `GET` (the pixel's old image
 * fallback, which carried the beacon in the URL and no Origin) is gone: 410.
 */
export function beaconRoute(deps: BeaconRouteDeps): RequestHandler {
  const { intake, allowedOrigins, onError } = deps;
  const post = (req: Request, res: Response) => {
    if (!intake.admit(req, res)) return;
    if (!isBeaconType(req))
      return intake.refuse(
        res,
        415,
        'Content-Type must be text/plain or application/json, in UTF-8',
      );
    readBeaconBody(req, (error, text) => {
      if (error) return onError(error, req, res);
      // Called from a stream event: nothing above would catch what is thrown here.
      try {
        intake.take(text, req, res);
      } catch (thrown) {
        onError(thrown, req, res);
      }
    });
  };
  const preflight = (req: Request, res: Response) => {
    // A refused preflight is answered, not counted: no beacon was sent.
    if (!admitOrigin(req, res, allowedOrigins)) return;
    res.setHeader('Access-Control-Allow-Methods', 'POST');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
    res.setHeader('Access-Control-Max-Age', '86400');
    res.status(204).end();
  };
  const gone = (_req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    intake.refuse(res, 410, GONE);
  };
  const answers = new Map([
    ['POST', post],
    ['OPTIONS', preflight],
    ['GET', gone],
    ['HEAD', gone],
  ]);
  return (req, res, next) => {
    const answer = answers.get(req.method);
    if (answer === undefined || !isBeaconPath(req)) return next();
    try {
      deps.log.tag(req, res);
      deps.warnForwarded(req, res, none);
      answer(req, res);
    } catch (error) {
      onError(error, req, res);
    }
  };
}
