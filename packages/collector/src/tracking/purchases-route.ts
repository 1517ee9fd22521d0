import { randomUUID } from 'node:crypto';
import { type Response, Router } from 'express';
import type { Clock } from '../clock.js';
import { jsonBodyErrors, readJsonText } from '../http/json-body.js';
import { fingerprint, type Logger } from '../log.js';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';
import { requireBearerToken } from '../security/bearer-token.js';
import type { IngestStore, NewEvent } from '../store/ingest.js';
import { type ApiPurchase, parsePurchaseRequest } from './purchase-request.js';
import { purchaseRelay } from './saas-tracking.js';

/** Largest `POST /api/purchases` body accepted, in bytes. */
export const MAX_API_BODY_BYTES = 8 * 1024;

/** Dependencies of {@link apiPurchasesRouter}. */
export interface ApiPurchasesDeps {
  store: IngestStore;
  clock: Clock;
  logger: Logger;
  metrics: Pick<CollectorMetrics, 'apiPurchase'>;
  partnerKeys: readonly string[];
  /** `CLM_API_TOKEN`; null disables the endpoint. */
  apiToken: string | null;
  /** `CLM_SERVICE_NAME`: the service of purchases that name none. */
  serviceName: string | null;
  /** `CLM_SERVICE_NAMES`; absent or empty: any service. */
  serviceNames?: readonly string[];
  /** Called after a new relay is queued, so the worker sends it without waiting. */
  onRelayQueued: () => void;
}

const LOGGED = {
  queued: 'queued for relay',
  replaced: "took over the beacon's relay",
  replacing: "takes over the beacon's relay unless its attempt in flight is delivered",
  'already-queued': 'relay already queued',
} as const;

const fail = (res: Response, status: number, error: string) => {
  res.status(status).json({ error });
};

/**
 * `POST /api/purchases`: a provider's backend reports a purchase it confirmed, with
 * `Authorization: Bearer <CLM_API_TOKEN>`. Stored and relayed as a purchase beacon is, and
 * authenticated, so it takes over a relay a beacon queued for the customer unless that one
 * was delivered.
 */
export function apiPurchasesRouter(deps: ApiPurchasesDeps): Router {
  const { store, clock, logger, metrics, partnerKeys, serviceName, onRelayQueued } = deps;
  const serviceNames = deps.serviceNames ?? [];

  async function accept(text: string, res: Response): Promise<void> {
    const now = clock.now();
    const parsed = parsePurchaseRequest(text, { partnerKeys, serviceName, serviceNames, now });
    if (!parsed.ok) {
      metrics.apiPurchase(parsed.status === 403 ? 'unknown_key' : 'invalid');
      return fail(res, parsed.status, parsed.error);
    }
    const { purchase, referralDropped } = parsed;
    const event = toEvent(`api_${randomUUID()}`, purchase, now);
    const relay = purchaseRelay(purchase, now, 'api');
    const who = `customer ${fingerprint(purchase.customerId)} (key ${fingerprint(purchase.partnerKey)})`;
    if (referralDropped !== undefined)
      logger.warn('collector', `api purchase ${event.id}: referral dropped (${referralDropped})`);
    let result: Awaited<ReturnType<IngestStore['recordEvent']>>;
    try {
      result = await store.recordEvent(event, relay);
    } catch (error) {
      metrics.apiPurchase('store_error');
      logger.error('collector', `storing api purchase ${event.id} failed: ${String(error)}`);
      return fail(res, 503, 'storage unavailable, retry later');
    }
    const status = result.relayQueued ? 'queued' : (result.replaced ?? 'already-queued');
    const taken = status !== 'already-queued';
    metrics.apiPurchase(taken ? 'accepted' : 'already_queued');
    logger.info('collector', `api purchase ${event.id} for ${who}: ${LOGGED[status]}`);
    if (taken) onRelayQueued();
    res.status(taken ? 202 : 200).json({
      status,
      relayId: result.relay?.id,
      relayStatus: result.relay?.status,
      // An API relay keeps the first report's time; a repeat does not move it.
      purchasedAt: result.relay?.purchasedAt,
      source: result.relay?.source,
      ...(referralDropped !== undefined && { referralDropped }),
    });
  }

  const body = {
    limit: MAX_API_BODY_BYTES,
    missing: 'body required: a JSON object with customerId',
    onRefused: () => metrics.apiPurchase('invalid'),
  };

  const router = Router();
  router.post(
    '/api/purchases',
    requireBearerToken(deps.apiToken, {
      disabled: 'API disabled: CLM_API_TOKEN is not set',
      required: 'API token required',
      onRefused: () => metrics.apiPurchase('unauthorized'),
    }),
    ...readJsonText(body),
    (req, res) => accept(req.body as string, res),
  );
  router.use('/api/purchases', jsonBodyErrors(body));
  return router;
}

function toEvent(id: string, purchase: ApiPurchase, receivedAt: number): NewEvent {
  return {
    id,
    type: 'purchase',
    partnerKey: purchase.partnerKey,
    serviceName: purchase.serviceName,
    customerId: purchase.customerId,
    referral: purchase.referral,
    // The provider's backend is the client here; its purchase time is its clock.
    clientTime: purchase.purchasedAt,
    receivedAt,
  };
}
