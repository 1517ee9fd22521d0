import type { IncomingMessage } from 'node:http';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { isUtf8ContentType } from '../http/charset.js';
import { readUtf8Body } from '../http/read-body.js';
import type { BeaconIntake } from './beacon-intake.js';
import { checkOrigin } from './origin.js';

/** Largest beacon accepted, in bytes. */
export const MAX_BEACON_BYTES = 8 * 1024;

/** The body types a beacon may come as. */
export const BEACON_TYPES = ['text/plain', 'application/json'];

// The content types the pixel and ordinary clients send, in UTF-8 or no charset named.
// Any other spelling body-parser might still take is left to it.
const PLAIN_TYPE = /^(?:text\/plain|application\/json)(?:; *charset=(?:utf-?8|"utf-?8"))?$/i;

// `/beacon` as Express routes it: any case, one trailing slash.
const BEACON_PATH = /^\/beacon\/?$/i;

/** Dependencies of {@link beaconRoute}. */
export interface BeaconRouteDeps {
  intake: BeaconIntake;
  allowedOrigins: readonly string[];
  /** Counts a beacon refused before anyone knew what it was. */
  onRefused: (outcome: 'invalid' | 'origin_refused') => void;
  /** What every request gets before its route (its id, the request log). */
  greet: (req: Request, res: Response) => void;
  /** Answers an unexpected error or an unreadable body, as the app's error handler does. */
  onError: (error: unknown, req: Request, res: Response) => void;
}

/**
 * Whether a beacon's body can be read in one go without body-parser, told from its head:
 * a `Content-Length` of 1 to 8 KB, no `Content-Encoding` or `Transfer-Encoding`, and a
 * plain text or JSON type in UTF-8, as browsers send beacons.
 */
export function isPlainBeacon(req: IncomingMessage): boolean {
  const { headers } = req;
  if (headers['transfer-encoding'] !== undefined || headers['content-encoding'] !== undefined)
    return false;
  const length = Number(headers['content-length']);
  if (!(length >= 1 && length <= MAX_BEACON_BYTES)) return false;
  const type = headers['content-type'];
  return type !== undefined && PLAIN_TYPE.test(type);
}

/**
 * `/beacon`, the one path of every beacon: `POST` (a text/plain or JSON body), its
 * preflight, and `GET`, gone (410). It stands first in the app, so a beacon costs the
 * router one layer, not a walk through every route; it greets the request itself (id,
 * log) for the same reason. Everything else goes on to the app's routes.
 */
export function beaconRoute(deps: BeaconRouteDeps): RequestHandler {
  const { intake, greet } = deps;
  const preflight = checkOrigin(deps.allowedOrigins, () => deps.onRefused('origin_refused'));
  const post = postBeacon(deps);
  return (req, res, next) => {
    if (!BEACON_PATH.test(req.path)) return next();
    switch (req.method) {
      case 'POST':
        greet(req, res);
        return post(req, res);
      case 'OPTIONS':
        greet(req, res);
        return preflight(req, res, () => answerPreflight(res));
      case 'GET':
      case 'HEAD':
        greet(req, res);
        // The pixel's old image fallback carried the beacon in the URL and no Origin, so it
        // could not be told from an <img> on any page. Pixels cached from before get a clear
        // answer.
        res.set('Cache-Control', 'no-store');
        return intake.refuse(
          res,
          410,
          'GET /beacon is gone: load the current pixel.js, which sends beacons by POST',
        );
      default:
        next();
    }
  };
}

function answerPreflight(res: Response): void {
  res.set({
    'Access-Control-Allow-Methods': 'POST',
    'Access-Control-Allow-Headers': 'Content-Type',
    'Access-Control-Max-Age': '86400',
  });
  res.status(204).end();
}

// The origin check, then the body: read in one go when plain, else by body-parser (other
// charsets refused, compressed or chunked bodies inflated and capped), then the intake.
function postBeacon(deps: BeaconRouteDeps): (req: Request, res: Response) => void {
  const { intake, onError } = deps;
  const parseText = express.text({ type: BEACON_TYPES, limit: MAX_BEACON_BYTES });
  const take = (text: string, req: Request, res: Response) => {
    // Called from a stream event: nothing above would catch what is thrown here.
    try {
      intake.take(text, req, res);
    } catch (thrown) {
      onError(thrown, req, res);
    }
  };
  return (req, res) => {
    if (!intake.admit(req, res)) return;
    if (isPlainBeacon(req))
      return readUtf8Body(req, MAX_BEACON_BYTES, (error, text) => {
        if (error) return onError(Object.assign(new Error(error.type), error), req, res);
        take(text, req, res);
      });
    if (!req.is(BEACON_TYPES) || !isUtf8ContentType(req.get('content-type')))
      return intake.refuse(
        res,
        415,
        'Content-Type must be text/plain or application/json, in UTF-8',
      );
    parseText(req, res, (error?: unknown) => {
      if (error) return onError(error, req, res);
      take(req.body as string, req, res);
    });
  };
}
