import type { RecordResult } from './ingest.js';
import type { initialState } from './kept-relays.js';
import {
  type NewRelay,
  PLAIN_RULES,
  type Relay,
  type RelaySource,
  type RelayStatus,
} from './outbox.js';

/** A `relays` row as either store reads it (BIGINT read as a number). */
export interface RelayRow {
  id: number;
  kind: string;
  dedupe_key: string;
  partner_key: string;
  service_name: string | null;
  customer_id: string;
  order_id: string | null;
  sku: string | null;
  period: string | null;
  payload: string;
  purchased_at: string | null;
  status: string;
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  last_error: string | null;
  last_status: number | null;
  last_body: string | null;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
  replayed_at: number | null;
  /** SQLite: 0 or 1; PostgreSQL: a boolean. */
  late: number | boolean;
  source: string;
  /** A backend report's payload waiting for the attempt in flight (see the ingest role). */
  replacement: string | null;
  /** The row's {@link RelayRules}; the flags 0 or 1 on both engines. */
  pause: string | null;
  at_most_once: number;
  ends_sku: number;
  superseded_by_end: number;
}

/** Maps a row to a {@link Relay}. */
export const toRelay = (row: RelayRow): Relay => ({
  id: row.id,
  kind: row.kind as Relay['kind'],
  dedupeKey: row.dedupe_key,
  partnerKey: row.partner_key,
  serviceName: row.service_name,
  customerId: row.customer_id,
  orderId: row.order_id,
  sku: row.sku,
  period: row.period,
  payload: JSON.parse(row.payload),
  purchasedAt: row.purchased_at,
  status: row.status as RelayStatus,
  attempts: row.attempts,
  nextAttemptAt: row.next_attempt_at,
  leaseUntil: row.lease_until,
  lastError: row.last_error,
  lastStatus: row.last_status,
  lastBody: row.last_body,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  deliveredAt: row.delivered_at,
  replayedAt: row.replayed_at,
  late: row.late === true || row.late === 1,
  source: row.source as RelaySource,
  rules: {
    pause: row.pause,
    atMostOnce: row.at_most_once === 1,
    endsSku: row.ends_sku === 1,
    supersededByEnd: row.superseded_by_end === 1,
  },
});

/** The rule columns of a relay to insert (`pause`, then the flags as 0 or 1). */
export function ruleColumns(relay: NewRelay): [string | null, number, number, number] {
  const rules = relay.rules ?? PLAIN_RULES;
  return [
    rules.pause,
    Number(rules.atMostOnce),
    Number(rules.endsSku),
    Number(rules.supersededByEnd),
  ];
}

/**
 * The columns both stores insert a new relay with, in the order of {@link relayValues};
 * `next_attempt_at` and `updated_at` are its `created_at` too, bound after them.
 */
export const RELAY_INSERT_COLUMNS = `kind, dedupe_key, partner_key, service_name, customer_id,
  order_id, sku, period, payload, purchased_at, created_at, source, status, last_error, pause,
  at_most_once, ends_sku, superseded_by_end, next_attempt_at, updated_at`;

/**
 * The values of {@link RELAY_INSERT_COLUMNS} for a new relay, in positional order, with
 * the state it starts in ({@link initialState}, which the caller also reports back).
 */
export function relayValues(
  relay: NewRelay,
  { status, lastError }: ReturnType<typeof initialState>,
): unknown[] {
  return [
    relay.kind,
    relay.dedupeKey,
    relay.partnerKey,
    relay.serviceName,
    relay.customerId,
    relay.orderId,
    relay.sku,
    relay.period,
    JSON.stringify(relay.payload),
    relay.purchasedAt,
    relay.createdAt,
    relay.source ?? 'api',
    status,
    lastError,
    ...ruleColumns(relay),
    relay.createdAt,
    relay.createdAt,
  ];
}

/** The relay with a dedupe key after it was queued, and whether it is new. */
export interface QueuedRelay {
  queued: boolean;
  row: Pick<
    RelayRow,
    | 'id'
    | 'status'
    | 'purchased_at'
    | 'last_error'
    | 'delivered_at'
    | 'order_id'
    | 'sku'
    | 'source'
    | 'replacement'
  >;
}

/** The relay a recorded event names (RecordResult's `relay`), from its row. */
export const relayHead = (
  row: Pick<RelayRow, 'id' | 'status' | 'purchased_at' | 'source'>,
): NonNullable<RecordResult['relay']> => ({
  id: row.id,
  status: row.status as RelayStatus,
  purchasedAt: row.purchased_at,
  source: row.source as RelaySource,
});
