import type { StoredUsageEvent } from '../store/usage.js';
import { formatMicros } from './decimal.js';

/**
 * The 409 to an `eventId` already used by another event: the stored event in the request's
 * own terms, enough for the provider to find it in its records (it sent both).
 */
export function conflictAnswer(eventId: string, stored: StoredUsageEvent) {
  const storedEvent = {
    eventId,
    provisioningId: stored.provisioningId,
    productSku: stored.sku,
    quantity: formatMicros(stored.micros),
    occurredAt: new Date(stored.occurredAt).toISOString(),
  };
  const named = `provisioningId ${storedEvent.provisioningId}, productSku ${storedEvent.productSku}, quantity ${storedEvent.quantity}, occurredAt ${storedEvent.occurredAt}`;
  return {
    error:
      `event ${eventId}: this eventId is already used by another event (${named}); ` +
      'nothing was stored',
    storedEvent,
  };
}
