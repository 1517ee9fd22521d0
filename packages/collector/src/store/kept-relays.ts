import type { NewRelay, RelayStatus } from './outbox.js';

/**
 * How the `last_error` of a held usage report begins. A held report is one the collector
 * must never send (see `NewRelay.held`): it is queued `dead` with this prefix and its
 * reason, and stays so, since neither a replay of dead letters nor a resend moves it.
 */
export const HELD_PREFIX = 'held: ';

/**
 * How the `last_error` of a superseded billing start begins: its SKU ended before it was
 * delivered, so sending it now would reach the marketplace after `/saas-usage/end`
 * (store/superseded-starts). Dead and kept so, like a held report.
 */
export const SUPERSEDED_PREFIX = 'superseded: ';

/**
 * How the `last_error` of a billing call an operator wrote off begins: dead, and never to
 * be sent (`clm-collector write-off`), so not billed; its money is no longer in doubt.
 */
export const WRITTEN_OFF_PREFIX = 'written off by an operator, not billed: ';

// The dead relays nothing moves, by the prefix of their reason (and the kind that has it,
// where only one does; a write-off is of any billing call, and only those are written off).
// Each kind's own errors are the collector's words (outbox/policy), which never begin so.
const KEPT: readonly { kind?: string; prefix: string }[] = [
  { kind: 'usage_report', prefix: HELD_PREFIX },
  { kind: 'start_billing', prefix: SUPERSEDED_PREFIX },
  { prefix: WRITTEN_OFF_PREFIX },
];

const startsWith = (prefix: string) =>
  `substr(COALESCE(last_error, ''), 1, ${prefix.length}) = '${prefix}'`;

const keptSql = KEPT.map(({ kind, prefix }) =>
  kind === undefined ? startsWith(prefix) : `(kind = '${kind}' AND ${startsWith(prefix)})`,
).join(' OR ');

/**
 * SQL over `relays`: true unless the row is kept dead on purpose (a held usage report, a
 * superseded billing start, a written-off call), which no replay, resend or retry moves.
 */
export const NOT_KEPT = `NOT (status = 'dead' AND (${keptSql}))`;

/**
 * SQL over `relays`: an order call whose money is in doubt: unconfirmed, or dead (refused, or
 * held) unless it is a superseded billing start, which nothing is owed for, or an operator
 * wrote it off.
 */
export const BILLING_IN_DOUBT = `order_id IS NOT NULL AND (status = 'unconfirmed'
  OR (status = 'dead' AND NOT (kind = 'start_billing' AND ${startsWith(SUPERSEDED_PREFIX)})
    AND NOT ${startsWith(WRITTEN_OFF_PREFIX)}))`;

/**
 * SQL over `relays`: a billing call an operator may write off: dead, and not kept already
 * (a held report is settled by confirming it, a superseded start is owed nothing).
 */
export const WRITABLE_OFF = `order_id IS NOT NULL AND status = 'dead' AND ${NOT_KEPT}`;

/** SQL: the `last_error` of a written-off call, its last answer kept after the reason. */
export const WRITTEN_OFF_ERROR = `'${WRITTEN_OFF_PREFIX}' || COALESCE(last_error, 'no answer')`;

/**
 * SQL over `relays`: a usage report an operator may confirm as billed: an unconfirmed one
 * (the marketplace received it after all), or a held one the operator billed by hand.
 */
export const CONFIRMABLE = `kind = 'usage_report'
  AND (status = 'unconfirmed' OR (status = 'dead' AND ${startsWith(HELD_PREFIX)}))`;

/** SQL: the `last_error` a confirmed report keeps: how it was settled (a held one, why). */
export const CONFIRMED_ERROR = `CASE WHEN status = 'dead'
  THEN 'billed by hand, confirmed by an operator; it was ' || last_error
  ELSE 'confirmed by an operator as received by the marketplace' END`;

interface RelayState {
  kind?: string;
  status: RelayStatus;
  lastError: string | null;
}

const keptAs = (relay: RelayState, kind: string | undefined, prefix: string) =>
  (kind === undefined || relay.kind === undefined || relay.kind === kind) &&
  relay.status === 'dead' &&
  relay.lastError?.startsWith(prefix) === true;

/** Whether a relay is a held usage report. */
export const isHeld = (relay: RelayState): boolean => keptAs(relay, 'usage_report', HELD_PREFIX);

/** Whether a relay is a billing start superseded by its SKU's end. */
export const isSuperseded = (relay: RelayState): boolean =>
  keptAs(relay, 'start_billing', SUPERSEDED_PREFIX);

/** Whether a relay is a billing call an operator wrote off: never sent, not billed. */
export const isWrittenOff = (relay: RelayState): boolean =>
  keptAs(relay, undefined, WRITTEN_OFF_PREFIX);

/** Whether a relay is kept dead on purpose: nothing to retry. */
export const isKept = (relay: RelayState): boolean =>
  KEPT.some(({ kind, prefix }) => keptAs(relay, kind, prefix));

/** The status and `last_error` a relay is queued with: pending, or dead when held. */
export function initialState(relay: NewRelay): { status: RelayStatus; lastError: string | null } {
  return relay.held === undefined
    ? { status: 'pending', lastError: null }
    : { status: 'dead', lastError: `${HELD_PREFIX}${relay.held}` };
}
