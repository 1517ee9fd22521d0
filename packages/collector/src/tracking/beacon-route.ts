import express, {
  type ErrorRequestHandler,
  type RequestHandler,
  type Response,
  Router,
} from 'express';
import type { Clock } from '../clock.js';
import { isUtf8ContentType } from '../http/charset.js';
import { fingerprint, type Logger } from '../log.js';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';
import type { IngestStore, NewEvent } from '../store/ingest.js';
import { type Beacon, parseBeacon } from './beacon-schema.js';
import { getRequestOrigin, isOriginAllowed, setCorsHeaders } from './origin.js';
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
  metrics: Pick<CollectorMetrics, 'beacon'>;
  /** Called after a new relay is queued, so the worker sends it without waiting. */
  onRelayQueued: () => void;
}

const fail = (res: Response, status: number, error: string) => {
  res.status(status).json({ error });
};

/** `POST /beacon` (text/plain or JSON body), `GET /beacon?d=` (image fallback), preflight. */
export function beaconRouter(deps: BeaconDeps): Router {
  const { store, clock, logger, partnerKeys, allowedOrigins, metrics, onRelayQueued } = deps;
  const refuse = (res: Response, status: number, error: string) => {
    metrics.beacon('unknown', 'invalid');
    fail(res, status, error);
  };

  const checkOrigin: RequestHandler = (req, res, next) => {
    setCorsHeaders(req, res, allowedOrigins);
    res.set('Cache-Control', 'no-store');
    if (isOriginAllowed(getRequestOrigin(req), allowedOrigins)) return next();
    if (req.method !== 'OPTIONS') metrics.beacon('unknown', 'origin_refused');
    fail(res, 403, 'origin not allowed');
  };

  async function accept(text: string, res: Response): Promise<void> {
    const parsed = parseBeacon(text);
    if (!parsed.ok) return refuse(res, 400, parsed.error);
    const { beacon } = parsed;
    if (!partnerKeys.includes(beacon.key)) {
      metrics.beacon(beacon.type, 'unknown_key');
      return fail(res, 403, 'unknown provider key');
    }
    const receivedAt = clock.now();
    try {
      const relay = beacon.type === 'purchase' ? saasTrackingRelay(beacon, receivedAt) : undefined;
      const result = await store.recordEvent(toEvent(beacon, receivedAt), relay);
      if (result.relayQueued) onRelayQueued();
      metrics.beacon(
        beacon.type,
        result.duplicate
          ? 'duplicate'
          : result.relayQueued || beacon.type === 'visit'
            ? 'accepted'
            : 'already_queued',
      );
      if (beacon.type === 'purchase') {
        const what = result.duplicate
          ? 'repeated'
          : result.relayQueued
            ? 'queued for relay'
            : 'already relayed';
        logger.info(
          'collector',
          `purchase ${beacon.id} for customer ${fingerprint(beacon.customerId)} (key ${fingerprint(beacon.key)}): ${what}`,
        );
      }
    } catch (error) {
      metrics.beacon(beacon.type, 'store_error');
      logger.error('collector', `storing beacon ${beacon.id} failed: ${String(error)}`);
      return fail(res, 503, 'storage unavailable, retry later');
    }
    res.status(204).end();
  }

  const router = Router();
  router.options('/beacon', checkOrigin, (_req, res) => {
    res.set({
      'Access-Control-Allow-Methods': 'POST, GET',
      'Access-Control-Allow-Headers': 'Content-Type',
      'Access-Control-Max-Age': '86400',
    });
    res.status(204).end();
  });
  router.post(
    '/beacon',
    checkOrigin,
    (req, res, next) =>
      req.is(BEACON_TYPES) && isUtf8ContentType(req.get('content-type'))
        ? next()
        : refuse(res, 415, 'Content-Type must be text/plain or application/json, in UTF-8'),
    express.text({ type: BEACON_TYPES, limit: MAX_BEACON_BYTES }),
    (req, res) => accept(req.body as string, res),
  );
  router.get('/beacon', checkOrigin, (req, res) => {
    const data = req.query.d;
    if (typeof data !== 'string')
      return refuse(res, 400, 'query parameter d must hold the beacon JSON');
    if (Buffer.byteLength(data) > MAX_BEACON_BYTES) return refuse(res, 413, 'beacon too large');
    return accept(data, res);
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
