import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { GroupCommit } from '../group-commit.js';
import { type HeldRow, heldClaim, type OrderRow, orderedClaim } from '../order-rows.js';
import type { Order, OrdersStore, ProvisioningClaim } from '../orders.js';
import type { LoadOrder } from './orders-load.js';

/** Claiming a provisioning request (one instance forwards it at a time) on SQLite. */
export function sqliteOrderClaims(
  db: Database.Database,
  group: GroupCommit,
  { load }: LoadOrder,
): Pick<OrdersStore, 'claimProvisioning' | 'requestDigestKey' | 'releaseProvisioning'> {
  // An order by its own request key, or by an alias (with the alias's digest).
  const selectByKey = db.prepare(
    `SELECT provisioning_id, product_id, customer_id, provider_key, answer, created_at,
       request_key, request_digest
     FROM orders WHERE request_key = @key
     UNION ALL
     SELECT o.provisioning_id, o.product_id, o.customer_id, o.provider_key, o.answer,
       o.created_at, k.request_key, k.request_digest
     FROM order_keys AS k JOIN orders AS o USING (provisioning_id) WHERE k.request_key = @key
     LIMIT 1`,
  );
  const claimRow = db.prepare(
    `INSERT INTO provisioning_claims (provisioning_id, owner, lease_until, request_digest)
     VALUES (@requestKey, @owner, @leaseUntil, @digest)
     ON CONFLICT (provisioning_id) DO UPDATE SET owner = excluded.owner,
       lease_until = excluded.lease_until, request_digest = excluded.request_digest
     WHERE lease_until <= @now OR owner = @owner
     RETURNING owner`,
  );
  const selectClaim = db.prepare(
    'SELECT lease_until, request_digest FROM provisioning_claims WHERE provisioning_id = ?',
  );
  // Created once: every later call reads the first one's value.
  const insertKey = db.prepare(
    "INSERT INTO clm_keys (name, value) VALUES ('request_digest', ?) ON CONFLICT DO NOTHING",
  );
  const selectKey = db.prepare("SELECT value FROM clm_keys WHERE name = 'request_digest'");
  const deleteClaim = db.prepare(
    'DELETE FROM provisioning_claims WHERE provisioning_id = ? AND owner = ?',
  );

  return {
    claimProvisioning: ({ requestKey, digest, legacy, owner, now, leaseMs }) =>
      group.run((): ProvisioningClaim => {
        const digests = legacy ? [digest, legacy.digest] : [digest];
        const found = (key: string) => selectByKey.get({ key }) as OrderRow | undefined;
        // A row from before digests were keyed is under the request's former key.
        const row =
          found(requestKey) ??
          (legacy && legacy.requestKey !== requestKey ? found(legacy.requestKey) : undefined);
        if (row) return orderedClaim(row, digests, load(row) as Order);
        if (claimRow.get({ requestKey, digest, owner, now, leaseUntil: now + leaseMs })) {
          return { state: 'claimed' };
        }
        return heldClaim(selectClaim.get(requestKey) as HeldRow | undefined, digests, now);
      }),
    requestDigestKey: () =>
      group.run(() => {
        insertKey.run(randomBytes(32).toString('hex'));
        return (selectKey.get() as { value: string }).value;
      }),
    releaseProvisioning: (provisioningId, owner) =>
      group.run(() => void deleteClaim.run(provisioningId, owner)),
  };
}
