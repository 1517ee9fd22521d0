import type { RelayStatus } from './outbox.js';

/**
 * `last_error` of a usage report found in flight by a store that knows its sender is gone
 * (a restart, or a lease that expired): it may have been billed, so it is unconfirmed,
 * never sent again by itself.
 */
export const INTERRUPTED_REPORT_ERROR =
  'interrupted while sending: the marketplace may have received it';

/**
 * SQL over `relays` (columns prefixed with `table`): a row the outcome of an attempt sent
 * under `claim` (SQL; NULL: whichever claim holds it) still settles. In flight under that
 * claim; or a report settled unconfirmed under that very claim only because its lease
 * expired (the database or the sender stalled past it): the marketplace's answer, when it
 * comes, is what became of the report. An operator's confirm or resend changes its status
 * (and a resent report is claimed again under another), so a late answer never overrides
 * an operator.
 */
export const awaitingOutcome = (claim: string, table = '') =>
  `(${table}status = 'in_flight' AND (${claim} IS NULL OR ${table}attempts = ${claim})
    OR ${table}status = 'unconfirmed' AND ${table}attempts = ${claim}
      AND ${table}last_error = '${INTERRUPTED_REPORT_ERROR}')`;

/** Relay counts per status, every status present, from `(status, n)` rows. */
export function countsByStatus(
  rows: readonly { status: RelayStatus; n: number }[],
): Record<RelayStatus, number> {
  const counts: Record<RelayStatus, number> = {
    pending: 0,
    in_flight: 0,
    delivered: 0,
    dead: 0,
    unconfirmed: 0,
  };
  for (const row of rows) counts[row.status] = row.n;
  return counts;
}

/**
 * Relay counts per status, and `kept`: the dead relays kept so on purpose (held usage
 * reports, superseded billing starts: store/kept-relays), which `dead` leaves out since
 * there is nothing to retry. The counts add up to every relay.
 */
export type RelayCounts = Record<RelayStatus | 'kept', number>;

/** {@link RelayCounts} from `(status, n)` rows, the kept ones with the status `kept`. */
export function relayCounts(
  rows: readonly { status: RelayStatus | 'kept'; n: number }[],
): RelayCounts {
  const kept = rows.find((row) => row.status === 'kept')?.n ?? 0;
  const others = rows.filter(
    (row): row is { status: RelayStatus; n: number } => row.status !== 'kept',
  );
  return { ...countsByStatus(others), kept };
}
