import type { AdminStore, DayStats, RelayStatus } from '../store/types.js';
import { loadMoneyInDoubt, type MoneyInDoubt } from '../usage/in-doubt.js';

const DAY_MS = 86_400_000;

/** Totals of a window of days. */
export interface FunnelTotals {
  visits: number;
  purchases: number;
  delivered: number;
  pending: number;
  dead: number;
  /** purchases / visits; null when there were no visits. */
  conversionRate: number | null;
}

/** Everything the dashboard shows above the relay table. */
export interface Summary {
  window: { days: number; since: string; until: string };
  totals: FunnelTotals;
  allTime: {
    relays: Record<RelayStatus, number>;
    events: { visit: number; purchase: number };
    /** ISO time the longest-waiting relay was queued (or replayed); null if none waits. */
    oldestPendingSince: string | null;
  };
  /** One entry per UTC day, oldest first, ending today. */
  days: DayStats[];
  /** Billing calls unconfirmed or dead, waiting for an operator. */
  moneyInDoubt: MoneyInDoubt;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Adds up a run of days. */
export function totalsOf(days: readonly DayStats[]): FunnelTotals {
  const sum = (key: 'visits' | 'purchases' | 'delivered' | 'pending' | 'dead') =>
    days.reduce((total, day) => total + day[key], 0);
  const visits = sum('visits');
  const purchases = sum('purchases');
  return {
    visits,
    purchases,
    delivered: sum('delivered'),
    pending: sum('pending'),
    dead: sum('dead'),
    conversionRate: visits === 0 ? null : purchases / visits,
  };
}

/** The funnel over the `days` UTC days ending with the day of `now`, and all-time counts. */
export async function loadSummary(store: AdminStore, now: number, days: number): Promise<Summary> {
  const until = (Math.floor(now / DAY_MS) + 1) * DAY_MS;
  const since = until - days * DAY_MS;
  const [perDay, relays, events, oldest, moneyInDoubt] = await Promise.all([
    store.dailyStats({ since, until }),
    store.countRelays(),
    store.countEventsByType(),
    store.oldestPendingSince(),
    loadMoneyInDoubt(store),
  ]);
  return {
    window: { days, since: iso(since), until: iso(until) },
    totals: totalsOf(perDay),
    allTime: { relays, events, oldestPendingSince: oldest === null ? null : iso(oldest) },
    days: perDay,
    moneyInDoubt,
  };
}
