import { z } from 'zod';
import type { Beacon } from '../beacon/schema.js';
import type { CallOptions, OnrampClient, OnrampResult } from '../onramp/client.js';
import type { NewRelay, RelayKind } from '../store/types.js';

/** How the worker sends one kind of relay; add `start_billing`, `saas_usage` here. */
interface KindHandler {
  send(
    onramp: OnrampClient,
    payload: unknown,
    options: CallOptions,
  ): Promise<OnrampResult | string>;
}

const saasTrackingPayload = z.strictObject({
  partnerKey: z.string(),
  serviceName: z.string(),
  customerId: z.string(),
  purchasedAt: z.string(),
});

/** Per-kind senders. A string result is a payload that can never be sent (dead-letter). */
export const relayKinds: Record<RelayKind, KindHandler> = {
  saas_tracking: {
    async send(onramp, payload, options) {
      const parsed = saasTrackingPayload.safeParse(payload);
      if (!parsed.success) return `stored payload is invalid: ${parsed.error.issues[0]?.message}`;
      return onramp.saasTracking(parsed.data, options);
    },
  },
};

/** A purchase to relay to SaasTrackings, from a beacon or the server-to-server API. */
export interface Purchase {
  partnerKey: string;
  serviceName: string;
  customerId: string;
  /** Ms since the epoch; sent as ISO-8601 UTC. */
  purchasedAt: number;
}

/** The SaasTracking relay for a purchase, queued at `createdAt` (ms since the epoch). */
export function purchaseRelay(purchase: Purchase, createdAt: number): NewRelay {
  const { partnerKey, serviceName, customerId } = purchase;
  const purchasedAt = new Date(purchase.purchasedAt).toISOString();
  return {
    kind: 'saas_tracking',
    partnerKey,
    serviceName,
    customerId,
    payload: { partnerKey, serviceName, customerId, purchasedAt },
    purchasedAt,
    createdAt,
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
  );
}
