import type { NewRelay, RelaySource, RelayStatus } from './outbox.js';

/** A referral as stored with an event. */
export interface StoredReferral {
  id: string;
  at: number;
  utm?: Record<string, string> | undefined;
}

/** One accepted beacon (or backend-reported purchase). */
export interface NewEvent {
  /** Event id from the browser; unique, so re-sent beacons are ignored. */
  id: string;
  type: 'visit' | 'purchase';
  partnerKey: string;
  serviceName: string;
  customerId: string | null;
  referral: StoredReferral | null;
  /** Client clock, ms since the epoch. */
  clientTime: number;
  /** Server clock, ms since the epoch. */
  receivedAt: number;
}

/**
 * An event's values in the order of the `events` columns both stores insert:
 * `id, type, partner_key, service_name, customer_id, referral, client_time, received_at`.
 */
export const eventValues = (event: NewEvent) =>
  [
    event.id,
    event.type,
    event.partnerKey,
    event.serviceName,
    event.customerId,
    event.referral && JSON.stringify(event.referral),
    event.clientTime,
    event.receivedAt,
  ] as const;

/** What {@link IngestStore.recordEvent} did. */
export interface RecordResult {
  /** The event id was already stored; nothing was written. */
  duplicate: boolean;
  /** A new relay was queued (false when one with the same dedupe key existed). */
  relayQueued: boolean;
  /**
   * An authenticated report took over a relay a beacon had queued and that was not
   * delivered: `replaced`, it now carries the report (a dead one is pending again);
   * `replacing`, an attempt with the beacon's body is in flight, and the report takes over
   * unless that attempt is delivered.
   */
  replaced?: 'replaced' | 'replacing';
  /**
   * The relay with the call's dedupe key, new or existing, when the call carried one and
   * the event was not a duplicate. `purchasedAt` is the time it relays (`replacing`: the
   * report's, unless the attempt in flight is delivered).
   */
  relay?: { id: number; status: RelayStatus; purchasedAt: string | null; source: RelaySource };
}

/** Where tracking beacons and backend purchases are written. */
export interface IngestStore {
  /**
   * Stores an event and, atomically with it, queues `relay` unless a relay of its kind
   * with its dedupe key exists already. A `relay` from the API (authenticated) takes over
   * an existing one a beacon queued, unless that one was delivered (see `replaced`).
   */
  recordEvent(event: NewEvent, relay?: NewRelay): Promise<RecordResult>;
}
