import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { stringifyExact } from '../../exact-json.js';
import {
  attachRelays,
  type FailureRow,
  type HeldRow,
  heldClaim,
  type OrderRelayRow,
  type OrderRow,
  orderedClaim,
  toFailure,
  toOrder,
  toRelayRef,
} from '../order-rows.js';
import {
  type Order,
  type OrderSku,
  type OrdersStore,
  type ProvisioningClaim,
  type RelayRef,
  SkuEnded,
} from '../orders.js';
import type { NewRelay } from '../outbox.js';
import { DB_NOW_MS, inTransaction, LOCKS, type Queryable, storable } from './db.js';
import { queueRelay } from './relay-rows.js';
import { supersedeStarts } from './supersede.js';
import { openBuckets } from './usage-buckets.js';

interface SkuRow {
  provisioning_id: string;
  sku: string;
  ended_at: number | null;
}

/** The orders of `rows`, in that order, each with its SKUs and their billing and end relays. */
async function load(client: Queryable, rows: readonly OrderRow[]): Promise<Order[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.provisioning_id);
  const skuRows = await client.query<SkuRow>(
    `SELECT provisioning_id, sku, ended_at FROM order_skus
     WHERE provisioning_id = ANY($1::text[]) ORDER BY provisioning_id, position`,
    [ids],
  );
  const relayRows = await client.query<OrderRelayRow & { order_id: string }>(
    `SELECT id, kind, order_id, sku, status, last_error, delivered_at FROM relays
     WHERE order_id = ANY($1::text[]) AND kind IN ('start_billing', 'usage_end')`,
    [ids],
  );
  const skusOf = new Map<string, Map<string, OrderSku>>(ids.map((id) => [id, new Map()]));
  for (const { provisioning_id, sku, ended_at } of skuRows.rows) {
    skusOf.get(provisioning_id)?.set(sku, { sku, billing: null, end: null, endedAt: ended_at });
  }
  const relaysOf = new Map<string, OrderRelayRow[]>();
  for (const relay of relayRows.rows) {
    const list = relaysOf.get(relay.order_id);
    if (list) list.push(relay);
    else relaysOf.set(relay.order_id, [relay]);
  }
  return rows.map((row) => {
    const skus = skusOf.get(row.provisioning_id) ?? new Map<string, OrderSku>();
    attachRelays(skus, relaysOf.get(row.provisioning_id) ?? []);
    return toOrder(row, [...skus.values()]);
  });
}

// The order of a request key as `claimProvisioning` answers it, or null when there is none.
// The order of a request: under its key or, from before digests were keyed, its former key.
async function orderByKey(
  client: Queryable,
  requestKey: string,
  digest: string,
  legacy: { requestKey: string; digest: string } | undefined,
): Promise<ProvisioningClaim | null> {
  const digests = legacy ? [digest, legacy.digest] : [digest];
  const found = await orderRow(client, requestKey);
  const row =
    found ??
    (legacy && legacy.requestKey !== requestKey
      ? await orderRow(client, legacy.requestKey)
      : undefined);
  if (!row) return null;
  return orderedClaim(row, digests, (await load(client, [row]))[0] as Order);
}

// By the order's own key, or by an alias (with the alias's digest).
async function orderRow(client: Queryable, requestKey: string): Promise<OrderRow | undefined> {
  const found = await client.query<OrderRow>(
    `SELECT provisioning_id, product_id, customer_id, provider_key, answer, created_at,
       request_key, request_digest
     FROM orders WHERE request_key = $1
     UNION ALL
     SELECT o.provisioning_id, o.product_id, o.customer_id, o.provider_key, o.answer,
       o.created_at, k.request_key, k.request_digest
     FROM order_keys AS k JOIN orders AS o USING (provisioning_id) WHERE k.request_key = $1
     LIMIT 1`,
    [requestKey],
  );
  return found.rows[0];
}

async function getOrder(client: Queryable, provisioningId: string): Promise<Order | null> {
  const found = await client.query<OrderRow>('SELECT * FROM orders WHERE provisioning_id = $1', [
    provisioningId,
  ]);
  const [order] = await load(client, found.rows);
  return order ?? null;
}

// Rejects with SkuEnded when a relay is for a SKU that has ended.
async function refuseEnded(client: Queryable, relays: readonly NewRelay[]): Promise<void> {
  for (const { orderId, sku } of relays) {
    if (orderId === null || sku === null) continue;
    const ended = await client.query(
      'SELECT 1 FROM order_skus WHERE provisioning_id = $1 AND sku = $2 AND ended_at IS NOT NULL',
      [orderId, sku],
    );
    if (ended.rowCount) throw new SkuEnded(sku);
  }
}

/**
 * {@link OrdersStore} on PostgreSQL. An order is created once whichever instance stores it
 * first (its primary key); a termination holds the usage calendar's lock, as a close does.
 */
export function postgresOrders(pool: pg.Pool): OrdersStore {
  const read = <T>(work: (client: Queryable) => Promise<T>) =>
    inTransaction(pool, work, { readOnly: true });
  return {
    getOrder: (provisioningId) => read((client) => getOrder(client, provisioningId)),
    listOrders: ({ limit = 100 } = {}) =>
      read(async (client) => {
        const rows = await client.query<OrderRow>(
          'SELECT * FROM orders ORDER BY created_at DESC, seq DESC LIMIT $1',
          [limit],
        );
        return load(client, rows.rows);
      }),
    createOrder: (order) =>
      inTransaction(pool, async (client) => {
        const added = await client.query(
          `INSERT INTO orders (provisioning_id, product_id, customer_id, provider_key, answer,
             created_at, request_key, request_digest)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT DO NOTHING`,
          [
            order.provisioningId,
            order.productId,
            order.customerId,
            order.providerKey,
            stringifyExact(order.answer),
            order.createdAt,
            order.requestKey ?? order.provisioningId,
            order.requestDigest ?? null,
          ],
        );
        const created = added.rowCount === 1;
        if (created) {
          await client.query(
            `INSERT INTO order_skus (provisioning_id, position, sku)
             SELECT $1, position - 1, sku FROM unnest($2::text[]) WITH ORDINALITY AS s (sku, position)`,
            [order.provisioningId, order.productSkus],
          );
        } else if (order.requestKey !== undefined && typeof order.requestDigest === 'string') {
          await client.query(
            `INSERT INTO order_keys (request_key, provisioning_id, request_digest)
             SELECT $1, provisioning_id, $2 FROM orders
             WHERE provisioning_id = $3 AND request_key <> $1
             ON CONFLICT DO NOTHING`,
            [order.requestKey, order.requestDigest, order.provisioningId],
          );
        }
        return { order: (await getOrder(client, order.provisioningId)) as Order, created };
      }),
    claimProvisioning: ({ requestKey, digest, legacy, owner, leaseMs }) =>
      inTransaction(pool, async (client): Promise<ProvisioningClaim> => {
        const existing = await orderByKey(client, requestKey, digest, legacy);
        if (existing) return existing;
        // Waits for a competing claim's transaction, then takes the row only if that claim
        // expired (or is the caller's own). Leases are on the database's clock: instances'
        // clocks may differ by more than a lease, and one order must not reach the provider
        // twice because of it.
        const claimed = await client.query(
          `INSERT INTO provisioning_claims (provisioning_id, owner, lease_until, request_digest)
           VALUES ($1, $2, ${DB_NOW_MS} + $3, $4)
           ON CONFLICT (provisioning_id) DO UPDATE
             SET owner = EXCLUDED.owner, lease_until = EXCLUDED.lease_until,
               request_digest = EXCLUDED.request_digest
             WHERE provisioning_claims.lease_until <= ${DB_NOW_MS} OR provisioning_claims.owner = $2`,
          [requestKey, owner, leaseMs, digest],
        );
        if (claimed.rowCount === 1) {
          // An order stored (and its claim released) since the read above: answer with it.
          const stored = await orderByKey(client, requestKey, digest, legacy);
          if (!stored) return { state: 'claimed' };
          await client.query(
            'DELETE FROM provisioning_claims WHERE provisioning_id = $1 AND owner = $2',
            [requestKey, owner],
          );
          return stored;
        }
        const held = await client.query<HeldRow & { now: number }>(
          `SELECT c.lease_until, c.request_digest, ${DB_NOW_MS} AS now
           FROM (SELECT 1) AS one
           LEFT JOIN provisioning_claims AS c ON c.provisioning_id = $1`,
          [requestKey],
        );
        const row = held.rows[0] as HeldRow & { now: number };
        return heldClaim(row, legacy ? [digest, legacy.digest] : [digest], row.now);
      }),
    requestDigestKey: async () => {
      // Created once: an instance racing this one keeps the first value, and reads it.
      await pool.query(
        `INSERT INTO clm_keys (name, value) VALUES ('request_digest', $1) ON CONFLICT DO NOTHING`,
        [randomBytes(32).toString('hex')],
      );
      const key = await pool.query<{ value: string }>(
        "SELECT value FROM clm_keys WHERE name = 'request_digest'",
      );
      return (key.rows[0] as { value: string }).value;
    },
    releaseProvisioning: async (provisioningId, owner) => {
      await pool.query(
        'DELETE FROM provisioning_claims WHERE provisioning_id = $1 AND owner = $2',
        [provisioningId, owner],
      );
    },
    recordProvisioningFailure: async (failure) => {
      await pool.query(
        `INSERT INTO provisioning_failures (provisioning_id, product_id, product_skus, at, outcome, status, message)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          failure.provisioningId,
          failure.productId,
          JSON.stringify(failure.productSkus),
          failure.at,
          failure.outcome,
          failure.status,
          storable(failure.message),
        ],
      );
    },
    listProvisioningFailures: async ({ limit = 50 } = {}) => {
      const rows = await pool.query<FailureRow>(
        'SELECT * FROM provisioning_failures ORDER BY at DESC, id DESC LIMIT $1',
        [limit],
      );
      return rows.rows.map(toFailure);
    },
    queueOrderRelays: (relays) =>
      inTransaction(pool, async (client) => {
        // A termination holds this lock exclusively from before it marks a SKU ended until
        // it commits: the check below sees its end, or it waits until these relays commit
        // (and queues its end after them), whichever instance runs it.
        await client.query('SELECT pg_advisory_xact_lock_shared($1)', [LOCKS.close]);
        await refuseEnded(client, relays);
        const results: { relay: RelayRef; queued: boolean }[] = [];
        for (const relay of relays) {
          const { queued, row } = await queueRelay(client, relay);
          results.push({ queued, relay: toRelayRef(row) });
        }
        return results;
      }),
    terminateSkus: ({ provisioningId, skus, now, usageReport, end }) =>
      inTransaction(pool, async (client) => {
        // No usage is written, and no period closed, until this commits: the open usage
        // read below is all there is, and is reported once (relays are unique per period).
        await client.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.close]);
        const ended: string[] = [];
        for (const sku of skus) {
          const result = await client.query(
            `UPDATE order_skus SET ended_at = $3
             WHERE provisioning_id = $1 AND sku = $2 AND ended_at IS NULL`,
            [provisioningId, sku, now],
          );
          if (result.rowCount === 1) ended.push(sku);
        }
        for (const sku of ended) {
          // The open usage first, so its reports are queued before the end.
          for (const bucket of await openBuckets(client, provisioningId, sku)) {
            await queueRelay(client, usageReport(bucket));
          }
          await queueRelay(client, end(sku));
        }
        // A start not yet delivered never follows the end: it is superseded now, and the
        // end waits only for one being sent.
        await supersedeStarts(client, now);
        return ended;
      }),
  };
}
