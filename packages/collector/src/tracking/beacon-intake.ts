import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../clock.js';
import type { ExpressPair } from '../http/route-ahead.js';
import type { Logger } from '../log.js';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';
import type { IngestStore, NewEvent } from '../store/ingest.js';
import type { BeaconBudgets } from './beacon-budgets.js';
import { describeBeacon, outcomeOf } from './beacon-outcome.js';
import { type Beacon, type ParsedBeacon, parseBeacon } from './beacon-schema.js';
import { originHeaders, refuseOrigin } from './origin.js';
import type { PageSites } from './page-sites.js';
import { saasTrackingRelay } from './saas-tracking.js';
import type { BeaconPurchases } from './settings.js';

/** Dependencies of {@link createBeaconIntake}. */
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
  limits?: BeaconBudgets;
  metrics: Pick<CollectorMetrics, 'beacon'>;
  /** Told of each beacon for a known key: which site its page is on. */
  pageSites?: Pick<PageSites, 'observe'>;
  /** Called after a new relay is queued, so the worker sends it without waiting. */
  onRelayQueued: () => void;
  /** Answers (and counts) what went wrong unexpectedly, as the app's error handler does. */
  onError: (error: unknown, req: IncomingMessage, res: ServerResponse) => void;
  /** Told before a 5xx answer goes out (the request log's failure line). */
  onServerError?: (res: ServerResponse) => void;
  /**
   * Express's request and response, asked for only to refuse: a beacon answered 204 is
   * answered on node's own (see http/route-ahead.ts, `adopt`).
   */
  express: ExpressPair;
  /** The client's address, as `req.ip` gives it. */
  clientAddress: (req: IncomingMessage) => string | undefined;
}

/** What `POST /beacon` does once the request's head says it may be a beacon. */
export interface BeaconIntake {
  /**
   * Sets the CORS headers and `Cache-Control: no-store`; answers 403 (and returns false)
   * for a beacon from a page the allow-list does not name.
   */
  admit(req: IncomingMessage, res: ServerResponse): boolean;
  /** Answers a beacon refused before it was parsed, and counts it. */
  refuse(req: IncomingMessage, res: ServerResponse, status: number, error: string): void;
  /**
   * Takes the body's text from there: parses it, draws on the sender's budget, checks the
   * key, stores it and answers 204 once it is committed. Unexpected errors go to `onError`.
   */
  take(text: string, req: IncomingMessage, res: ServerResponse): void;
}

const none = { admits: () => true };

// Express's req.hostname: X-Forwarded-Host read with the app's trust-proxy setting.
const hostnameOf = (express: ExpressPair, req: IncomingMessage, res: ServerResponse) => () =>
  express(req, res)[0].hostname;

/** The beacon endpoint's steps, shared by its Express route and its path ahead of it. */
export function createBeaconIntake(deps: BeaconDeps): BeaconIntake {
  const { store, clock, logger, partnerKeys, allowedOrigins, metrics, onRelayQueued } = deps;
  const { serviceNames = [], onError, onServerError, express, clientAddress } = deps;
  const limits = deps.limits ?? { visit: none, purchase: none };
  const hold = deps.beaconPurchases === 'hold';

  const fail = (req: IncomingMessage, res: ServerResponse, status: number, error: string) => {
    express(req, res)[1].status(status).json({ error });
  };
  const refuse = (req: IncomingMessage, res: ServerResponse, status: number, error: string) => {
    metrics.beacon('unknown', 'invalid');
    fail(req, res, status, error);
  };
  const admits = (type: 'visit' | 'purchase', req: IncomingMessage, res: ServerResponse) =>
    limits[type].admits(clientAddress(req), res, () => express(req, res)[1]);

  // Never rejects: what it did not expect (a clock that throws) goes to onError.
  async function accept(
    parsed: Extract<ParsedBeacon, { ok: true }>,
    req: IncomingMessage,
    res: ServerResponse,
  ) {
    const { beacon, referralDropped } = parsed;
    try {
      if (!partnerKeys.includes(beacon.key)) {
        metrics.beacon(beacon.type, 'unknown_key');
        return fail(req, res, 403, 'unknown provider key');
      }
      if (serviceNames.length > 0 && !serviceNames.includes(beacon.service)) {
        metrics.beacon(beacon.type, 'unknown_key');
        return fail(req, res, 403, 'unknown service name');
      }
      deps.pageSites?.observe(req, hostnameOf(express, req, res));
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
        onServerError?.(res);
        return fail(req, res, 503, 'storage unavailable, retry later');
      }
      res.statusCode = 204;
      res.end();
    } catch (error) {
      onError(error, req, res);
    }
  }

  return {
    admit(req, res) {
      if (originHeaders(req, res, allowedOrigins)) return true;
      refuseOrigin(express(req, res)[1]);
      metrics.beacon('unknown', 'origin_refused');
      return false;
    },
    refuse,
    // Each budget is drawn on once the beacon says what it is; what cannot be read draws
    // on the visits' budget.
    take(text, req, res) {
      const parsed = parseBeacon(text);
      if (!parsed.ok) {
        if (admits('visit', req, res)) refuse(req, res, 400, parsed.error);
        return;
      }
      if (admits(parsed.beacon.type, req, res)) void accept(parsed, req, res);
    },
  };
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
