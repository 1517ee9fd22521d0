import { z } from 'zod';
import type { RelayKindSpec } from '../outbox/kind.js';
import { retryUntilDelivered } from '../outbox/kind.js';
import type { NewRelay, RelaySource } from '../store/outbox.js';
import type { Beacon } from './beacon-schema.js';

/** Body of `POST /api/SaasTrackings`, exactly these four fields in this order. */
const saasTrackingPayload = z.strictObject({
  partnerKey: z.string(),
  serviceName: z.string(),
  customerId: z.string(),
  /** ISO-8601 UTC. */
  purchasedAt: z.string(),
});

/** A SaasTracking body. */
export type SaasTracking = z.output<typeof saasTrackingPayload>;

/** SaasTrackings: one per (partnerKey, serviceName, customerId), retried until delivered. */
export const saasTrackingKind: RelayKindSpec<SaasTracking, 'saas_tracking'> = {
  kind: 'saas_tracking',
  payload: saasTrackingPayload,
  // The same key the schema migration derived for rows stored before kinds had keys.
  dedupeKey: ({ partnerKey, serviceName, customerId }) =>
    JSON.stringify([partnerKey, serviceName, customerId]),
  url: (endpoints) => endpoints.saasTrackings,
  call: '/api/SaasTrackings',
  decide: retryUntilDelivered,
};

/** A purchase to relay to SaasTrackings, from a beacon or the server-to-server API. */
export interface Purchase {
  partnerKey: string;
  serviceName: string;
  customerId: string;
  /** Ms since the epoch; sent as ISO-8601 UTC. */
  purchasedAt: number;
}

/**
 * The SaasTracking relay for a purchase, queued at `createdAt` (ms since the epoch).
 * `source` says who reported it: a beacon (anyone) or the authenticated API.
 */
export function purchaseRelay(
  purchase: Purchase,
  createdAt: number,
  source: RelaySource,
): NewRelay {
  const { partnerKey, serviceName, customerId } = purchase;
  const payload = {
    partnerKey,
    serviceName,
    customerId,
    purchasedAt: new Date(purchase.purchasedAt).toISOString(),
  };
  return {
    kind: saasTrackingKind.kind,
    dedupeKey: saasTrackingKind.dedupeKey(payload),
    partnerKey,
    serviceName,
    customerId,
    orderId: null,
    sku: null,
    period: null,
    payload,
    purchasedAt: payload.purchasedAt,
    createdAt,
    source,
  };
}

/**
 * The SaasTracking relay for a purchase beacon; `purchasedAt` is the collector's receipt
 * time (not the browser's clock, which may be wrong).
 */
export function saasTrackingRelay(
  beacon: Extract<Beacon, { type: 'purchase' }>,
  receivedAt: number,
): NewRelay {
  return purchaseRelay(
    {
      partnerKey: beacon.key,
      serviceName: beacon.service,
      customerId: beacon.customerId,
      purchasedAt: receivedAt,
    },
    receivedAt,
    'beacon',
  );
}
