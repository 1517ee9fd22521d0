import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { type HeldRow, heldClaim, type OrderRow, orderedClaim } from '../order-rows.js';
import type { Order, OrdersStore, ProvisioningClaim } from '../orders.js';
import { DB_NOW_MS, inTransaction, type Queryable } from './db.js';
import { load } from './orders-load.js';

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

/** Claiming a provisioning request (one instance forwards it at a time) on PostgreSQL. */
export function postgresOrderClaims(
  pool: pg.Pool,
): Pick<OrdersStore, 'claimProvisioning' | 'requestDigestKey' | 'releaseProvisioning'> {
  return {
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
  };
}
