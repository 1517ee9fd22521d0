import type { Clock } from '../../clock.js';
import type { Store } from '../../store/types.js';

/** How a contract test opens a store. */
export interface OpenOptions {
  clock?: Clock;
  /** As `openStore`'s: false for an admin tool opening beside a running collector. */
  releaseInterrupted?: boolean;
}

/**
 * What the store contract runs against: one implementation, opened the way its runner
 * sets it up. Every store opened is closed when the test ends (closing twice is fine).
 */
export interface StoreHarness {
  /** A store over an empty database. */
  fresh(options?: OpenOptions): Promise<Store>;
  /**
   * Another store over the database of the test's last {@link fresh} one: a restart once
   * that one is closed, or an admin tool beside it with `releaseInterrupted: false`.
   */
  reopen(options?: OpenOptions): Promise<Store>;
}

/** A fixed instant (ms since the epoch) the contract's clocks start from. */
export const T0 = 1_700_000_001_000;

/**
 * Waits until a lease of `ms` taken before the call has expired on each store's clock:
 * SQLite's is the `now` a test passes (the test moves it by hand), PostgreSQL's the
 * database's own (`now()`), which only time moves.
 */
export const afterLease = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms + 20));

/**
 * A window of the pause `name` that is on whatever the clock (SQLite's is the `now` a test
 * passes, PostgreSQL's the database's).
 */
export const alwaysOn = (name: string) => ({ name, start: 0, end: Number.MAX_SAFE_INTEGER });

/** A clock that always says `at`. */
export const fixedClock = (at: number): Clock => ({ now: () => at });

/** An attempt's outcome as the worker records it. */
export const attemptAt = (
  at: number,
  status: number | null,
  error: string | null = null,
  claim?: number,
) => ({
  at,
  status,
  body: status === null ? null : `{"status":${status}}`,
  error,
  ...(claim !== undefined && { claim }),
});
