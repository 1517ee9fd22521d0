import type { NewRelay, RelayKind, RelayStatus } from './outbox.js';

/**
 * How the `last_error` of a held usage report begins. A held report is one the collector
 * must never send (see `NewRelay.held`): it is queued `dead` with this prefix and its
 * reason, and stays so, since neither a replay of dead letters nor a resend moves it.
 */
export const HELD_PREFIX = 'held: ';

/** SQL over `relays`: true unless the row is a held usage report (which nothing moves). */
export const NOT_HELD = `NOT (kind = 'usage_report' AND status = 'dead'
  AND substr(COALESCE(last_error, ''), 1, ${HELD_PREFIX.length}) = '${HELD_PREFIX}')`;

/** Whether a relay is a held usage report. */
export function isHeld(relay: {
  kind?: RelayKind;
  status: RelayStatus;
  lastError: string | null;
}): boolean {
  return (
    (relay.kind === undefined || relay.kind === 'usage_report') &&
    relay.status === 'dead' &&
    relay.lastError?.startsWith(HELD_PREFIX) === true
  );
}

/** The status and `last_error` a relay is queued with: pending, or dead when held. */
export function initialState(relay: NewRelay): { status: RelayStatus; lastError: string | null } {
  return relay.held === undefined
    ? { status: 'pending', lastError: null }
    : { status: 'dead', lastError: `${HELD_PREFIX}${relay.held}` };
}
