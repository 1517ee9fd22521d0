import type { NewEvent } from './ingest.js';
import type { Relay, RelayStatus } from './outbox.js';
import type { RelayCounts } from './relay-states.js';

/** One UTC day of the marketplace funnel. */
export interface DayStats {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  /** Visit beacons received that day. */
  visits: number;
  /** SaasTracking relays (distinct purchasing customers) created that day... */
  purchases: number;
  /** ...and what has become of them since. `pending` includes in_flight. */
  delivered: number;
  pending: number;
  dead: number;
}

/** What the dashboard, the metrics and the admin commands read, and the dead-letter replay. */
export interface AdminStore {
  /** Relays per status; dead ones kept so on purpose are counted as `kept`, not `dead`. */
  countRelays(): Promise<RelayCounts>;
  listRelays(options?: { status?: RelayStatus; limit?: number }): Promise<Relay[]>;
  /** Relays in id order after `afterId` (exclusive), for exports that page through all. */
  pageRelays(options: {
    afterId: number;
    limit: number;
    status?: RelayStatus | undefined;
    /** Only the calls made for orders (billing starts, usage reports, ends). */
    ordersOnly?: boolean | undefined;
  }): Promise<Relay[]>;
  /**
   * The order calls whose money is in doubt, oldest first: unconfirmed ones (they may have
   * been billed) and dead ones (refused, or held and never sent), but not billing starts
   * superseded by their SKU's end, which nothing is owed for.
   */
  listBillingInDoubt(): Promise<Relay[]>;
  /** The relay of a kind with a dedupe key, if one was ever queued. */
  findRelay(kind: Relay['kind'], dedupeKey: string): Promise<Relay | null>;
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
   * Writes off a dead billing call (a start, a usage report, an end): it is kept dead, never
   * sent, and its money is no longer in doubt (not billed). False unless it was such a call,
   * dead and not held or superseded.
   */
  writeOff(id: number, now: number): Promise<boolean>;
  /**
   * Sends dead relays back to pending, due at `now`, in one transaction: all of them; or
   * those of `ids`; or with `withoutOrders`, those of no order (purchases, no billing call)
   * and, when `ids` are given too, those of `ids` besides. Held usage reports, superseded
   * starts and written-off calls stay dead. Resolves with how many were replayed.
   */
  replayDead(options: {
    now: number;
    ids?: readonly number[];
    withoutOrders?: boolean;
  }): Promise<number>;
}

/** The relay reads of {@link AdminStore}, which each engine implements apart. */
export type RelayReads = Pick<
  AdminStore,
  | 'countRelays'
  | 'listRelays'
  | 'pageRelays'
  | 'listBillingInDoubt'
  | 'findRelay'
  | 'oldestPendingSince'
>;

/** The relay with this id, or null: one page of one row from just before it. */
export async function relayById(
  store: Pick<AdminStore, 'pageRelays'>,
  id: number,
): Promise<Relay | null> {
  const [relay] = await store.pageRelays({ afterId: id - 1, limit: 1 });
  return relay?.id === id ? relay : null;
}
