import express, {
  type ErrorRequestHandler,
  type RequestHandler,
  type Response,
  Router,
} from 'express';
import type { Clock } from '../clock.js';
import type { BeaconPurchases } from '../config.js';
import { isUtf8ContentType } from '../http/charset.js';
import type { Logger } from '../log.js';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';
import type { BeaconLimits } from '../security/rate-limit.js';
import type { IngestStore, NewEvent } from '../store/ingest.js';
import { describeBeacon, outcomeOf } from './beacon-outcome.js';
import { type Beacon, type ParsedBeacon, parseBeacon } from './beacon-schema.js';
import { checkOrigin } from './origin.js';
import { saasTrackingRelay } from './saas-tracking.js';

/** Largest beacon accepted, in bytes. */
export const MAX_BEACON_BYTES = 8 * 1024;

const BEACON_TYPES = ['text/plain', 'application/json'];

/** Dependencies of {@link beaconRouter}. */
export interface BeaconDeps {
  store: IngestStore;
  clock: Clock;
  logger: Logger;
  partnerKeys: readonly string[];
  allowedOrigins: readonly string[];
  /** `CLM_SERVICE_NAMES`; absent or empty: any service. */
  serviceNames?: readonly string[];
  /** `CLM_BEACON_PURCHASES`; default `relay`. */
  beaconPurchases?: BeaconPurchases;
  /** Per-client budgets, applied once a beacon is parsed; absent: none. */
  limits?: BeaconLimits;
  metrics: Pick<CollectorMetrics, 'beacon'>;
  /** Called after a new relay is queued, so the worker sends it without waiting. */
  onRelayQueued: () => void;
}

const fail = (res: Response, status: number, error: string) => {
  res.status(status).json({ error });
};

const pass: RequestHandler = (_req, _res, next) => next();

/** `POST /beacon` (text/plain or JSON body) and its preflight; `GET /beacon` is gone (410). */
export function beaconRouter(deps: BeaconDeps): Router {
  const { store, clock, logger, partnerKeys, metrics, onRelayQueued } = deps;
  const { serviceNames = [], limits = { visit: pass, purchase: pass } } = deps;
  const hold = deps.beaconPurchases === 'hold';
  const refuse = (res: Response, status: number, error: string) => {
    metrics.beacon('unknown', 'invalid');
    fail(res, status, error);
  };
  const allowedOrigin = checkOrigin(deps.allowedOrigins, () =>
    metrics.beacon('unknown', 'origin_refused'),
  );

  // Each budget is drawn on once the beacon says what it is; what cannot be read draws on
  // the visits' budget.
  const parse: RequestHandler = (req, res, next) => {
    const parsed = parseBeacon(req.body as string);
    if (!parsed.ok) return limits.visit(req, res, () => refuse(res, 400, parsed.error));
    res.locals.parsed = parsed;
    limits[parsed.beacon.type](req, res, next);
  };

  async function accept(parsed: Extract<ParsedBeacon, { ok: true }>, res: Response) {
    const { beacon, referralDropped } = parsed;
    if (!partnerKeys.includes(beacon.key)) {
      metrics.beacon(beacon.type, 'unknown_key');
      return fail(res, 403, 'unknown provider key');
    }
    if (serviceNames.length > 0 && !serviceNames.includes(beacon.service)) {
      metrics.beacon(beacon.type, 'unknown_key');
      return fail(res, 403, 'unknown service name');
    }
    if (referralDropped !== undefined)
      logger.warn('collector', `beacon ${beacon.id}: referral dropped (${referralDropped})`);
    const receivedAt = clock.now();
    try {
      // Held: only the backend's report relays the purchase; this beacon keeps its referral.
      const relay =
        beacon.type === 'purchase' && !hold ? saasTrackingRelay(beacon, receivedAt) : undefined;
      const result = await store.recordEvent(toEvent(beacon, receivedAt), relay);
      if (result.relayQueued) onRelayQueued();
      metrics.beacon(beacon.type, outcomeOf(beacon, result, hold));
      if (beacon.type === 'purchase')
        logger.info('collector', describeBeacon(beacon, result, hold));
    } catch (error) {
      metrics.beacon(beacon.type, 'store_error');
      logger.error('collector', `storing beacon ${beacon.id} failed: ${String(error)}`);
      return fail(res, 503, 'storage unavailable, retry later');
    }
    res.status(204).end();
  }

  const router = Router();
  router.options('/beacon', allowedOrigin, (_req, res) => {
    res.set({
      'Access-Control-Allow-Methods': 'POST',
      'Access-Control-Allow-Headers': 'Content-Type',
      'Access-Control-Max-Age': '86400',
    });
    res.status(204).end();
  });
  router.post(
    '/beacon',
    allowedOrigin,
    (req, res, next) =>
      req.is(BEACON_TYPES) && isUtf8ContentType(req.get('content-type'))
        ? next()
        : refuse(res, 415, 'Content-Type must be text/plain or application/json, in UTF-8'),
    express.text({ type: BEACON_TYPES, limit: MAX_BEACON_BYTES }),
    parse,
    (_req, res) => accept(res.locals.parsed, res),
  );
  // The pixel's old image fallback carried the beacon in the URL and no Origin, so it could
  // not be told from an <img> on any page. Pixels cached from before get a clear answer.
  router.get('/beacon', (_req, res) => {
    metrics.beacon('unknown', 'invalid');
    res.set('Cache-Control', 'no-store');
    fail(res, 410, 'GET /beacon is gone: load the current pixel.js, which sends beacons by POST');
  });
  // Oversize or unreadable bodies: counted here, answered by the app's error handler.
  const countBodyError: ErrorRequestHandler = (error, _req, _res, next) => {
    metrics.beacon('unknown', 'invalid');
    next(error);
  };
  router.use('/beacon', countBodyError);
  return router;
}

function toEvent(beacon: Beacon, receivedAt: number): NewEvent {
  return {
    id: beacon.id,
    type: beacon.type,
    partnerKey: beacon.key,
    serviceName: beacon.service,
    customerId: beacon.type === 'purchase' ? beacon.customerId : null,
    referral: beacon.ref ?? null,
    clientTime: beacon.time,
    receivedAt,
  };
}
