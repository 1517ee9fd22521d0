/**
 * Lifecycle of a relay: pending -> in_flight (sending) -> delivered | dead (or back to
 * pending), or `unconfirmed`: a usage report that may have reached the marketplace but
 * whose answer never came; only an operator moves it on (confirm or resend).
 */
export type RelayStatus = 'pending' | 'in_flight' | 'delivered' | 'dead' | 'unconfirmed';

/**
 * Where a relay came from: `beacon`, a purchase beacon (anyone can send one: it needs only
 * the public provider key), or `api`, an authenticated call (the provider's backend, the
 * marketplace's order, the collector's own month close).
 */
export type RelaySource = 'beacon' | 'api';

/**
 * How the outbox delivers a relay, carried on its row (declared by its kind, see
 * `outbox/kind.ts`), so that the store and the worker decide without naming a kind.
 */
export interface RelayRules {
  /** A pause it waits out (by name; the worker says which are on at each claim), or null. */
  pause: string | null;
  /**
   * Never sent twice by itself: an attempt cut short (a stop while sending, a lease that
   * expired, a restart) leaves it `unconfirmed` for an operator instead of sending it again.
   */
  atMostOnce: boolean;
  /**
   * Ends its order's SKU: waits while another relay of that order and SKU is being sent, or
   * is pending or unconfirmed and not {@link supersededByEnd}.
   */
  endsSku: boolean;
  /** Pointless once its SKU's end is queued: never sent after it, superseded instead. */
  supersededByEnd: boolean;
}

/** The rules of a relay whose kind declares none: sent until delivered, whenever due. */
export const PLAIN_RULES: RelayRules = {
  pause: null,
  atMostOnce: false,
  endsSku: false,
  supersededByEnd: false,
};

/** A relay to queue; at most one per (kind, dedupeKey), however often it is queued. */
export interface NewRelay {
  /**
   * The marketplace call it makes, by its kind's name (the kinds: `src/relay-kinds.ts`); the
   * store reads the rules the row carries, never the name.
   */
  kind: string;
  /** Identity of the call within its kind (built by the kind, see `relay-kinds.ts`). */
  dedupeKey: string;
  /** The provider key the call is made for (`partnerKey` or `providerKey`). */
  partnerKey: string;
  /** SaasTrackings only. */
  serviceName: string | null;
  customerId: string;
  /** The order (`provisioningId`) of order calls; null for SaasTrackings. */
  orderId: string | null;
  /** The SKU of a per-SKU order call. */
  sku: string | null;
  /** The billing period (`YYYY-MM`) of a usage report. */
  period: string | null;
  /** The body to send, as JSON-serialisable data. */
  payload: unknown;
  /** SaasTrackings only: ISO-8601 UTC time of the first receipt. */
  purchasedAt: string | null;
  /** Ms since the epoch. */
  createdAt: number;
  /** Default `api`. */
  source?: RelaySource;
  /**
   * Usage reports only: why this one must never be sent (its count would arrive rounded).
   * It is queued dead and held for the operator with this reason (`store/kept-relays.ts`).
   */
  held?: string | undefined;
  /** Default {@link PLAIN_RULES}. */
  rules?: RelayRules;
}

/** A stored relay. Times are ms since the epoch unless noted. */
export interface Relay extends NewRelay {
  id: number;
  source: RelaySource;
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
  /**
   * A usage report delivered after its month's blackout began (it lands on the next bill),
   * on the store's clock (see `AttemptRecord.lateFrom`).
   */
  late: boolean;
  rules: RelayRules;
}

/** What became of a relay made for an order, as shown with the order. */
export interface RelayRef {
  id: number;
  status: RelayStatus;
  lastError: string | null;
  deliveredAt: number | null;
}

/** The marketplace's answer, kept on the relay row. */
export interface AttemptRecord {
  /**
   * The claim the call was made under: the relay's `attempts` when it was claimed. The
   * outcome is written only while the row is still in flight under that claim (an attempt
   * whose lease expired and was claimed again must not overwrite the newer one). Absent:
   * whichever claim holds it.
   */
  claim?: number;
  at: number;
  status: number | null;
  body: string | null;
  error: string | null;
  /**
   * Usage reports delivered: from when the delivery is late (its month's blackout began).
   * The store judges `at` against it on its clock: PostgreSQL moves `at` by how far the
   * instance's clock is from the database's as it writes the outcome.
   */
  lateFrom?: number;
}

/** A relay in flight under one claim: its id, and its `attempts` when it was claimed. */
export interface LeaseClaim {
  id: number;
  claim: number;
}

/**
 * A stretch of a pause (`RelayRules.pause`, by name): from `start` to `end` (excluded), ms
 * since the epoch.
 */
export interface PauseWindow {
  name: string;
  start: number;
  end: number;
}

/** The relay outbox as the worker sees it: claim due relays, record what became of them. */
export interface OutboxStore {
  /**
   * Marks up to `limit` due relays in_flight with a lease until `now + leaseMs` and
   * returns them; the mark is committed before they are sent. Leases are kept on the
   * store's clock: SQLite's is `now`, PostgreSQL's its own (`now()`), the one clock every
   * instance sharing the database agrees on, whatever `now` says. Pending rows are due at
   * `nextAttemptAt`; in_flight rows whose lease expired are due again, except those
   * `atMostOnce`, which are never sent twice by themselves. A relay whose pause has a
   * window among `pauses` that covers the store's clock (the month-end blackout) is not
   * claimed: on PostgreSQL the database's, so that an instance whose clock is off sends
   * nothing into the blackout, nor ends it early. The SKU order of {@link RelayRules}
   * holds (an end waits behind its SKU's other relays; a start never goes after its end).
   */
  claimDueRelays(options: {
    now: number;
    limit: number;
    leaseMs: number;
    /** The windows of the pauses around `now` (see `RelayRules.pause`). */
    pauses?: readonly PauseWindow[];
  }): Promise<Relay[]>;
  /*
   * The outcomes of an attempt. Each resolves true when it changed the row, false when the
   * row was no longer in flight under `attempt.claim`, nor an `atMostOnce` relay settled
   * unconfirmed under that claim only because its lease expired (the sender stalled: its
   * answer is what became of it; an operator's confirm or resend makes it no longer
   * count). A SaasTracking that a backend report
   * took over while it was in flight (see IngestStore.recordEvent) carries that report from
   * then on unless this attempt delivered it: a dead one goes back to pending.
   */
  markDelivered(id: number, attempt: AttemptRecord): Promise<boolean>;
  scheduleRetry(id: number, nextAttemptAt: number, attempt: AttemptRecord): Promise<boolean>;
  markDead(id: number, attempt: AttemptRecord): Promise<boolean>;
  /** An `atMostOnce` relay whose fate is unknown: never resent by itself. */
  markUnconfirmed(id: number, attempt: AttemptRecord): Promise<boolean>;
  /** Returns claimed relays to pending, due at once (used on shutdown). */
  releaseClaims(ids: readonly number[]): Promise<void>;
  /**
   * Extends the leases of relays still in flight under the claims given (`claim`: the
   * relay's `attempts` when it was claimed) to `now + leaseMs`, on the same clock as
   * {@link claimDueRelays}, even when one has just expired, as long as nobody claimed it
   * since: its sender is alive. Resolves with the ids renewed; the others were claimed again
   * or settled meanwhile.
   */
  renewLeases(options: {
    claims: readonly LeaseClaim[];
    now: number;
    leaseMs: number;
  }): Promise<number[]>;
}
