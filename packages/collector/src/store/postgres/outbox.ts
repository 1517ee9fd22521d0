import type pg from 'pg';
import type { Clock } from '../../clock.js';
import type { AttemptRecord, OutboxStore, PauseWindow } from '../outbox.js';
import { awaitingOutcome, INTERRUPTED_REPORT_ERROR } from '../relay-states.js';
import { SKU_ORDER } from '../superseded-starts.js';
import { batched } from './batches.js';
import { DB_NOW_MS, type Queryable, queryRetried, storable } from './db.js';
import { inlined } from './inline.js';
import { type RelayRow, toRelay } from './relay-rows.js';
import { SUPERSEDE } from './supersede.js';

// A backend report that waited beside an attempt in flight (postgres/ingest.ts) becomes the
// relay's body whenever that attempt ends without delivery, or the row is claimed again.
const takeReplacement = `payload = COALESCE(replacement, payload),
  purchased_at = COALESCE(replacement::jsonb ->> 'purchasedAt', purchased_at),
  source = CASE WHEN replacement IS NULL THEN source ELSE 'api' END, replacement = NULL`;

// Rows whose pause is on wait: one of its windows ($3, JSON) covers the database's clock,
// which every instance agrees on, so one whose clock is off neither sends into the
// blackout nor ends it early. Never a start after the end of its SKU
// (store/superseded-starts).
const ready = `(pause IS NULL OR pause NOT IN (
    SELECT w.name FROM jsonb_to_recordset($3::jsonb) AS w(name text, start bigint, "end" bigint)
    WHERE ${DB_NOW_MS} >= w.start AND ${DB_NOW_MS} < w."end"))
  AND ${SKU_ORDER}`;

// Each branch walks relays_due in order, stops at the limit ($2) and skips rows another
// instance is claiming right now, so a claim costs the same with 100 or 100,000 due rows
// and two instances never claim the same row. Rows a branch locked but the final cut left
// out are claimed by a later call. The lease ($4 ms) is set in the same statement,
// committed before anything is sent. Leases are on the database's clock: an instance whose
// clock runs ahead must not take over a call another is still making.
const CLAIM = `
  WITH due_pending AS (
    SELECT id, next_attempt_at FROM relays
    WHERE status = 'pending' AND next_attempt_at <= $1 AND ${ready}
    ORDER BY next_attempt_at, id LIMIT $2
    FOR UPDATE SKIP LOCKED
  ), due_expired AS (
    SELECT id, next_attempt_at FROM relays
    WHERE status = 'in_flight' AND lease_until <= ${DB_NOW_MS} AND at_most_once = 0
      AND ${ready}
    ORDER BY next_attempt_at, id LIMIT $2
    FOR UPDATE SKIP LOCKED
  ), chosen AS (
    SELECT id FROM (SELECT * FROM due_pending UNION ALL SELECT * FROM due_expired) AS due
    ORDER BY next_attempt_at, id LIMIT $2
  )
  UPDATE relays SET status = 'in_flight', attempts = attempts + 1,
    lease_until = ${DB_NOW_MS} + $4::bigint,
    updated_at = $1, ${takeReplacement}
  FROM chosen WHERE relays.id = chosen.id
  RETURNING relays.*`;

// A relay sent at most once (a usage report) whose lease expired may have been billed: it
// is never sent again by itself, whoever sent it; it is unconfirmed until an operator
// confirms or resends it. `updated_at` stays the claim's, when the call was sent: a
// confirm dates its delivery so, whenever the report was found interrupted.
const SETTLE_EXPIRED_REPORTS = `
  UPDATE relays SET status = 'unconfirmed', lease_until = NULL, last_error = $1
  WHERE id IN (
    SELECT id FROM relays
    WHERE status = 'in_flight' AND at_most_once = 1 AND lease_until <= ${DB_NOW_MS}
    FOR UPDATE SKIP LOCKED)`;

// The claim as one message: expired reports settled, then starts whose SKU ended
// superseded (so the end goes and the start never does), then the claim, each statement
// seeing what the ones before did. One round trip, one transaction.
const claimMessage = (options: {
  now: number;
  limit: number;
  leaseMs: number;
  pauses: readonly PauseWindow[];
}) =>
  [
    inlined(SETTLE_EXPIRED_REPORTS, [INTERRUPTED_REPORT_ERROR]),
    inlined(SUPERSEDE, [options.now]),
    inlined(CLAIM, [options.now, options.limit, JSON.stringify(options.pauses), options.leaseMs]),
  ].join(';\n');

/**
 * Turns every in-flight relay sent at most once whose lease expired (on the database's
 * clock) unconfirmed, still dated when it was sent; resolves with how many. Run when a
 * store opens (each claim runs the same statement first).
 */
export async function settleExpiredReports(client: Queryable): Promise<number> {
  const settled = await client.query(SETTLE_EXPIRED_REPORTS, [INTERRUPTED_REPORT_ERROR]);
  return settled.rowCount ?? 0;
}

// A delivery is late on the database's clock, as the blackout is: the answer's time (`at`,
// on the instance's clock) moved by how far the instance's clock (`now` as the outcome is
// written) is from the database's; unchanged without a time it would be late from.
const lateOn = (at: string, lateFrom: string, now: string, table = '') =>
  `COALESCE(${at} + (${DB_NOW_MS} - ${now}) >= ${lateFrom}, ${table}late)`;

// An outcome counts only while the row awaits the claim it was sent with.
const finish = (status: string, extra = '') =>
  `UPDATE relays SET status = ${status}, lease_until = NULL, last_status = $3,
     last_body = $4, last_error = $5, updated_at = $6,
     late = ${lateOn('$6::bigint', '$7::bigint', '$8::bigint')} ${extra}
   WHERE id = $1 AND ${awaitingOutcome('$2::integer')}`;

const RETRY = finish("'pending'", `, next_attempt_at = $9, ${takeReplacement}`);
// A dead beacon attempt does not make the report that waited beside it dead: that one has
// not been tried. It is due now, with its own retry window.
const DEAD = finish(
  `CASE WHEN replacement IS NULL THEN 'dead' ELSE 'pending' END`,
  `, next_attempt_at = CASE WHEN replacement IS NULL THEN next_attempt_at ELSE $6 END,
     replayed_at = CASE WHEN replacement IS NULL THEN replayed_at ELSE $6 END, ${takeReplacement}`,
);
const UNCONFIRMED = finish("'unconfirmed'");

// Deliveries, any number in one statement, each under its own claim (as in finish) and
// with its own answer. The attempt carried the beacon's body and reached the marketplace:
// the report that waited beside it is not sent too.
const DELIVERED = `
  UPDATE relays SET status = 'delivered', lease_until = NULL, last_status = o.status,
    last_body = o.body, last_error = o.error, updated_at = o.at,
    late = ${lateOn('o.at', 'o.late_from', '$8::bigint', 'relays.')}, delivered_at = o.at,
    replacement = NULL
  FROM unnest($1::bigint[], $2::integer[], $3::integer[], $4::text[], $5::text[],
      $6::bigint[], $7::bigint[]) AS o(id, claim, status, body, error, at, late_from)
  WHERE relays.id = o.id AND ${awaitingOutcome('o.claim', 'relays.')}
  RETURNING relays.id`;

/** Most outcomes written by one statement. */
const MAX_OUTCOMES = 256;

const RELEASE = `UPDATE relays SET status = 'pending', lease_until = NULL, next_attempt_at = $2,
    updated_at = $2, ${takeReplacement}
  WHERE id = ANY($1::bigint[]) AND status = 'in_flight'`;

// Every lease of one instance in one statement, whatever their number.
const RENEW = `UPDATE relays SET lease_until = ${DB_NOW_MS} + $3::bigint
  FROM unnest($1::bigint[], $2::integer[]) AS c(id, claim)
  WHERE relays.id = c.id AND relays.status = 'in_flight' AND relays.attempts = c.claim
  RETURNING relays.id`;

const bind = (id: number, attempt: AttemptRecord, now: number) => [
  id,
  attempt.claim ?? null,
  attempt.status,
  storable(attempt.body),
  storable(attempt.error),
  attempt.at,
  attempt.lateFrom ?? null,
  now,
];

/**
 * {@link OutboxStore} on PostgreSQL, for any number of instances on one database: claims
 * skip rows another instance is claiming, and outcomes count only under the claim sent with.
 */
export function postgresOutbox(
  pool: pg.Pool,
  clock: Clock,
  options: { batches: number },
): OutboxStore {
  const changed = async (sql: string, params: unknown[]) =>
    ((await pool.query(sql, params)).rowCount ?? 0) > 0;
  // Deliveries come in streams while a backlog drains: those of one turn (and those that
  // come while earlier ones are written) commit together.
  type Delivery = { id: number; attempt: AttemptRecord };
  const deliver = async (outcomes: Delivery[]) => {
    const column = <T>(value: (row: Delivery) => T) => outcomes.map(value);
    const done = await pool.query<{ id: number }>(DELIVERED, [
      column(({ id }) => id),
      column(({ attempt }) => attempt.claim ?? null),
      column(({ attempt }) => attempt.status),
      column(({ attempt }) => storable(attempt.body)),
      column(({ attempt }) => storable(attempt.error)),
      column(({ attempt }) => attempt.at),
      column(({ attempt }) => attempt.lateFrom ?? null),
      clock.now(),
    ]);
    const ids = new Set(done.rows.map((row) => row.id));
    return outcomes.map(({ id }) => ids.has(id));
  };
  const delivered = batched<Delivery, boolean>({
    write: deliver,
    alone: async (outcome) => (await deliver([outcome]))[0] === true,
    inFlight: options.batches,
    maxBatch: MAX_OUTCOMES,
  });
  return {
    claimDueRelays: async ({ now, limit, leaseMs, pauses = [] }) => {
      const results = await queryRetried(pool, claimMessage({ now, limit, leaseMs, pauses }));
      const claimed = results.at(-1) as pg.QueryResult<RelayRow>;
      return claimed.rows
        .map(toRelay)
        .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id);
    },
    markDelivered: (id, attempt) => delivered({ id, attempt }),
    scheduleRetry: (id, nextAttemptAt, attempt) =>
      changed(RETRY, [...bind(id, attempt, clock.now()), nextAttemptAt]),
    markDead: (id, attempt) => changed(DEAD, bind(id, attempt, clock.now())),
    markUnconfirmed: (id, attempt) => changed(UNCONFIRMED, bind(id, attempt, clock.now())),
    releaseClaims: async (ids) => {
      if (ids.length === 0) return;
      await pool.query(RELEASE, [ids, clock.now()]);
    },
    renewLeases: async ({ claims, leaseMs }) => {
      if (claims.length === 0) return [];
      const ids = claims.map(({ id }) => id);
      const attempts = claims.map(({ claim }) => claim);
      const renewed = await pool.query<{ id: number }>(RENEW, [ids, attempts, leaseMs]);
      return renewed.rows.map((row) => row.id);
    },
  };
}
