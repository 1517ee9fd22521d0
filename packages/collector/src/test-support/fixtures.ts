import type { NewEvent, NewRelay } from '../store/types.js';
import { saasTrackingRelay } from '../tracking/saas-tracking.js';

let seq = 0;

/** A purchase event and its SaasTracking relay, with a unique event id unless overridden. */
export function purchaseFixture(overrides: Partial<NewEvent> = {}): {
  event: NewEvent;
  relay: NewRelay;
} {
  seq += 1;
  const event: NewEvent = {
    id: `evt_${String(seq).padStart(8, '0')}`,
    type: 'purchase',
    partnerKey: 'PK-1',
    serviceName: 'acme-crm',
    customerId: 'cust-1',
    referral: { id: 'r-1', at: 1_700_000_000_000 },
    clientTime: 1_700_000_000_000,
    receivedAt: 1_700_000_001_000,
    ...overrides,
  };
  const relay = saasTrackingRelay(
    {
      v: 1,
      type: 'purchase',
      id: event.id,
      key: event.partnerKey,
      service: event.serviceName,
      customerId: event.customerId ?? '',
      time: event.clientTime,
    },
    event.receivedAt,
  );
  return { event, relay };
}
