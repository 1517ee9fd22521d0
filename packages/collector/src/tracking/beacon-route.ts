import express, { type ErrorRequestHandler, Router } from 'express';
import { isUtf8ContentType } from '../http/charset.js';
import type { BeaconIntake } from './beacon-intake.js';
import { checkOrigin } from './origin.js';

/** Largest beacon accepted, in bytes. */
export const MAX_BEACON_BYTES = 8 * 1024;

/** The body types a beacon may come as. */
export const BEACON_TYPES = ['text/plain', 'application/json'];

/** Dependencies of {@link beaconRouter}. */
export interface BeaconRouteDeps {
  intake: BeaconIntake;
  allowedOrigins: readonly string[];
  /** Counts a beacon refused before anyone knew what it was. */
  onRefused: (outcome: 'invalid' | 'origin_refused') => void;
}

/**
 * `POST /beacon` (text/plain or JSON body) and its preflight; `GET /beacon` is gone (410).
 * Most beacons never get here: {@link beaconAhead} takes them before the router. This route
 * answers the rest (other spellings of the path, odd bodies and headers) the same way.
 */
export function beaconRouter(deps: BeaconRouteDeps): Router {
  const { intake, onRefused } = deps;
  const router = Router();
  router.options(
    '/beacon',
    checkOrigin(deps.allowedOrigins, () => onRefused('origin_refused')),
    (_req, res) => {
      res.set({
        'Access-Control-Allow-Methods': 'POST',
        'Access-Control-Allow-Headers': 'Content-Type',
        'Access-Control-Max-Age': '86400',
      });
      res.status(204).end();
    },
  );
  router.post(
    '/beacon',
    (req, res, next) => {
      if (intake.admit(req, res)) next();
    },
    (req, res, next) =>
      req.is(BEACON_TYPES) && isUtf8ContentType(req.get('content-type'))
        ? next()
        : intake.refuse(
            req,
            res,
            415,
            'Content-Type must be text/plain or application/json, in UTF-8',
          ),
    express.text({ type: BEACON_TYPES, limit: MAX_BEACON_BYTES }),
    (req, res) => intake.take(req.body as string, req, res),
  );
  // The pixel's old image fallback carried the beacon in the URL and no Origin, so it could
  // not be told from an <img> on any page. Pixels cached from before get a clear answer.
  router.get('/beacon', (req, res) => {
    res.set('Cache-Control', 'no-store');
    intake.refuse(
      req,
      res,
      410,
      'GET /beacon is gone: load the current pixel.js, which sends beacons by POST',
    );
  });
  // Oversize or unreadable bodies: counted here, answered by the app's error handler.
  const countBodyError: ErrorRequestHandler = (error, _req, _res, next) => {
    onRefused('invalid');
    next(error);
  };
  router.use('/beacon', countBodyError);
  return router;
}
