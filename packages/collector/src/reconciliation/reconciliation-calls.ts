import { isHeld, isSuperseded, isWrittenOff } from '../store/kept-relays.js';
import type { Relay } from '../store/types.js';
import { MARKETPLACE_ZONE, periodOf } from '../time/calendar.js';
import { billedMonth } from '../usage/billed-month.js';

/**
 * What became of a billing call: `delivered` (the marketplace took it), `unconfirmed` (it
 * may have), `dead` (refused or given up: not billed), `held` (a usage report never sent),
 * `superseded` (a billing start its SKU's end made moot), `written_off` (dead, and an
 * operator gave up on it: never sent, not billed), `pending` (not answered yet, being sent
 * included).
 */
export type CallState =
  | 'delivered'
  | 'unconfirmed'
  | 'dead'
  | 'held'
  | 'superseded'
  | 'written_off'
  | 'pending';

/** One billing call of the reconciliation export. */
export interface ReconciliationCall {
  record: 'start' | 'usage' | 'end';
  relayId: number;
  provisioningId: string;
  customerId: string;
  productSku: string;
  /**
   * The month of the marketplace's ledger line it lands on (`YYYY-MM`): a usage report's
   * billed month (`billedMonth`), a start's or an end's month in Chicago; of a delivered
   * call, or of an unconfirmed one if it arrived; null for the others.
   */
  period: string | null;
  /** A usage report's own period, the month its usage was counted in. */
  usagePeriod: string | null;
  /** A usage report's count, the exact decimal sent. */
  usageCount: string | null;
  /**
   * When the marketplace answered (delivered) or the last attempt ended (one interrupted
   * while sending: when it was sent); ISO-8601 UTC.
   */
  sentAt: string | null;
  /** A usage report delivered after its period's blackout began (so on a later bill). */
  late: boolean | null;
  state: CallState;
  /** The marketplace's last HTTP status, null without an answer. */
  marketplaceStatus: number | null;
  /** The marketplace's last answer, else the collector's reason for the state. */
  marketplaceAnswer: string | null;
}

const RECORDS: Readonly<Record<string, ReconciliationCall['record']>> = {
  start_billing: 'start',
  usage_report: 'usage',
  usage_end: 'end',
};

function stateOf(relay: Relay): CallState {
  if (relay.status === 'in_flight') return 'pending';
  if (relay.status !== 'dead') return relay.status;
  if (isHeld(relay)) return 'held';
  if (isSuperseded(relay)) return 'superseded';
  return isWrittenOff(relay) ? 'written_off' : 'dead';
}

// An unconfirmed call's last attempt ended when the row was last written; one interrupted
// while sending was written last when it was claimed, sent (the settle keeps that time).
function sentAtOf(relay: Relay, state: CallState): number | null {
  if (state === 'delivered') return relay.deliveredAt;
  return state === 'unconfirmed' || (state === 'dead' && relay.attempts > 0)
    ? relay.updatedAt
    : null;
}

/** The record of one order call (a start, a usage report or an end); null for another relay. */
export function reconciliationCall(relay: Relay): ReconciliationCall | null {
  const record = RECORDS[relay.kind];
  if (record === undefined || relay.orderId === null || relay.sku === null) return null;
  const state = stateOf(relay);
  const sent = sentAtOf(relay, state);
  const usage = relay.kind === 'usage_report';
  const count = (relay.payload as { usageCount?: unknown } | null)?.usageCount;
  return {
    record,
    relayId: relay.id,
    provisioningId: relay.orderId,
    customerId: relay.customerId,
    productSku: relay.sku,
    period:
      sent === null || (state !== 'delivered' && state !== 'unconfirmed')
        ? null
        : usage
          ? billedMonth(sent)
          : periodOf(sent, MARKETPLACE_ZONE),
    usagePeriod: usage ? relay.period : null,
    usageCount: usage && typeof count === 'string' ? count : null,
    sentAt: sent === null ? null : new Date(sent).toISOString(),
    late: usage ? relay.late : null,
    state,
    marketplaceStatus: relay.lastStatus,
    marketplaceAnswer: relay.lastBody ?? relay.lastError,
  };
}
