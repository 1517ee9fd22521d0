/**
 * Onramp call a relay makes. Only SaasTrackings exists today; `start_billing` and
 * `saas_usage` (seed 002) will be added here and in `relay/kinds.ts`.
 */
export type RelayKind = 'saas_tracking';

/** Lifecycle of a relay: pending -> in_flight -> delivered | dead (or back to pending). */
export type RelayStatus = 'pending' | 'in_flight' | 'delivered' | 'dead';

/** A referral as stored with an event. */
export interface StoredReferral {
  id: string;
  at: number;
  utm?: Record<string, string> | undefined;
}

/** One accepted beacon. */
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

/** A relay to create with an event; one per (kind, partnerKey, serviceName, customerId). */
export interface NewRelay {
  kind: RelayKind;
  partnerKey: string;
  serviceName: string;
  customerId: string;
  /** The body to send, as JSON-serialisable data. */
  payload: unknown;
  /** ISO-8601 UTC time of the first receipt. */
  purchasedAt: string;
  /** Ms since the epoch. */
  createdAt: number;
}

/** A stored relay. Times are ms since the epoch unless noted. */
export interface Relay extends NewRelay {
  id: number;
  status: RelayStatus;
  attempts: number;
  nextAttemptAt: number;
  leaseUntil: number | null;
  lastError: string | null;
  lastStatus: number | null;
  lastBody: string | null;
  updatedAt: number;
  deliveredAt: number | null;
  /** When an operator last sent it back from dead to pending; its retry age counts from here. */
  replayedAt: number | null;
}

/** One UTC day of the marketplace funnel. */
export interface DayStats {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  /** Visit beacons received that day. */
  visits: number;
  /** Relays (distinct purchasing customers) created that day... */
  purchases: number;
  /** ...and what has become of them since. `pending` includes in_flight. */
  delivered: number;
  pending: number;
  dead: number;
}

/** What {@link Store.recordEvent} did. */
export interface RecordResult {
  /** The event id was already stored; nothing was written. */
  duplicate: boolean;
  /** A new relay was queued (false when one already existed for that customer). */
  relayQueued: boolean;
  /**
   * The customer's relay, new or existing, when the call carried one and the event was not
   * a duplicate.
   */
  relay?: { id: number; status: RelayStatus; purchasedAt: string };
}

/** The onramp's answer, kept on the relay row. */
export interface AttemptRecord {
  at: number;
  status: number | null;
  body: string | null;
  error: string | null;
}

/**
 * Durable storage of events and relays. Every method is async so that a networked or
 * group-committing implementation (Postgres) fits behind the same interface.
 */
export interface Store {
  /** Stores an event and, atomically with it, queues `relay` unless one exists already. */
  recordEvent(event: NewEvent, relay?: NewRelay): Promise<RecordResult>;
  /**
   * Marks up to `limit` due relays in_flight with a lease until `now + leaseMs` and
   * returns them. Pending rows are due at `nextAttemptAt`; in_flight rows whose lease
   * expired are due again.
   */
  claimDueRelays(options: { now: number; limit: number; leaseMs: number }): Promise<Relay[]>;
  markDelivered(id: number, attempt: AttemptRecord): Promise<void>;
  scheduleRetry(id: number, nextAttemptAt: number, attempt: AttemptRecord): Promise<void>;
  markDead(id: number, attempt: AttemptRecord): Promise<void>;
  /** Returns claimed relays to pending, due at once (used on shutdown). */
  releaseClaims(ids: readonly number[]): Promise<void>;
  countRelays(): Promise<Record<RelayStatus, number>>;
  listRelays(options?: { status?: RelayStatus; limit?: number }): Promise<Relay[]>;
  /** Relays in id order after `afterId` (exclusive), for exports that page through all. */
  pageRelays(options: {
    afterId: number;
    limit: number;
    status?: RelayStatus | undefined;
  }): Promise<Relay[]>;
  countEvents(): Promise<number>;
  countEventsByType(): Promise<Record<NewEvent['type'], number>>;
  /**
   * Days from `since` (inclusive) to `until` (exclusive), both ms at a UTC midnight,
   * oldest first; days without activity are present with zeros.
   */
  dailyStats(options: { since: number; until: number }): Promise<DayStats[]>;
  /** When the longest-waiting pending or in_flight relay was queued (or replayed); null if none. */
  oldestPendingSince(): Promise<number | null>;
  /**
   * Sends dead relays back to pending, due at `now` (all of them, or those of `ids`).
   * Resolves with how many were replayed.
   */
  replayDead(options: { now: number; ids?: readonly number[] }): Promise<number>;
  /** Resolves when the store answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
