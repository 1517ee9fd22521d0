import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { stringifyExact } from '../../exact-json.js';
import type { GroupCommit } from '../group-commit.js';
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
  SkuEnded,
} from '../orders.js';
import { prepareQueueRelay } from './relay-rows.js';
import { prepareSupersedeStarts } from './supersede.js';
import { prepareOpenBuckets } from './usage-buckets.js';

interface SkuRow {
  sku: string;
  ended_at: number | null;
}

/** {@link OrdersStore} on SQLite. */
export function sqliteOrders(db: Database.Database, group: GroupCommit): OrdersStore {
  const selectOrder = db.prepare('SELECT * FROM orders WHERE provisioning_id = ?');
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
  const insertAlias = db.prepare(
    `INSERT INTO order_keys (request_key, provisioning_id, request_digest)
     SELECT @requestKey, provisioning_id, @requestDigest FROM orders
     WHERE provisioning_id = @provisioningId AND request_key <> @requestKey
     ON CONFLICT DO NOTHING`,
  );
  const selectOrders = db.prepare(
    'SELECT * FROM orders ORDER BY created_at DESC, rowid DESC LIMIT ?',
  );
  const selectSkus = db.prepare(
    'SELECT sku, ended_at FROM order_skus WHERE provisioning_id = ? ORDER BY position',
  );
  const selectRelays = db.prepare(
    `SELECT id, kind, sku, status, last_error, delivered_at FROM relays
     WHERE order_id = ? AND kind IN ('start_billing', 'usage_end')`,
  );
  const insertOrder = db.prepare(
    `INSERT INTO orders (provisioning_id, product_id, customer_id, provider_key, answer, created_at,
       request_key, request_digest)
     VALUES (@provisioningId, @productId, @customerId, @providerKey, @answer, @createdAt,
       @requestKey, @requestDigest)
     ON CONFLICT DO NOTHING`,
  );
  const insertSku = db.prepare(
    'INSERT INTO order_skus (provisioning_id, position, sku) VALUES (?, ?, ?)',
  );
  const skuEnded = db.prepare(
    `SELECT 1 FROM order_skus
     WHERE provisioning_id = ? AND sku = ? AND ended_at IS NOT NULL`,
  );
  const endSku = db.prepare(
    `UPDATE order_skus SET ended_at = @now
     WHERE provisioning_id = @provisioningId AND sku = @sku AND ended_at IS NULL`,
  );
  const insertFailure = db.prepare(
    `INSERT INTO provisioning_failures (provisioning_id, product_id, product_skus, at, outcome, status, message)
     VALUES (@provisioningId, @productId, @productSkus, @at, @outcome, @status, @message)`,
  );
  const selectFailures = db.prepare(
    'SELECT * FROM provisioning_failures ORDER BY at DESC, id DESC LIMIT ?',
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
  const queueRelay = prepareQueueRelay(db);
  const openBuckets = prepareOpenBuckets(db);
  const supersedeStarts = prepareSupersedeStarts(db);

  function load(row: OrderRow | undefined): Order | null {
    if (!row) return null;
    const skus = new Map<string, OrderSku>();
    for (const { sku, ended_at } of selectSkus.all(row.provisioning_id) as SkuRow[]) {
      skus.set(sku, { sku, billing: null, end: null, endedAt: ended_at });
    }
    attachRelays(skus, selectRelays.all(row.provisioning_id) as OrderRelayRow[]);
    return toOrder(row, [...skus.values()]);
  }
  const get = (id: string) => load(selectOrder.get(id) as OrderRow | undefined);

  return {
    getOrder: (provisioningId) => group.run(() => get(provisioningId)),
    listOrders: ({ limit = 100 } = {}) =>
      group.run(() => (selectOrders.all(limit) as OrderRow[]).map((row) => load(row) as Order)),
    createOrder: (order) =>
      group.run(() => {
        const added = insertOrder.run({
          ...order,
          answer: stringifyExact(order.answer),
          requestKey: order.requestKey ?? order.provisioningId,
          requestDigest: order.requestDigest ?? null,
        });
        if (added.changes > 0) {
          for (const [position, sku] of order.productSkus.entries()) {
            insertSku.run(order.provisioningId, position, sku);
          }
        } else if (order.requestKey !== undefined && typeof order.requestDigest === 'string') {
          const { requestKey, requestDigest, provisioningId } = order;
          insertAlias.run({ requestKey, requestDigest, provisioningId });
        }
        return { order: get(order.provisioningId) as Order, created: added.changes > 0 };
      }),
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
    recordProvisioningFailure: (failure) =>
      group.run(
        () =>
          void insertFailure.run({ ...failure, productSkus: JSON.stringify(failure.productSkus) }),
      ),
    listProvisioningFailures: ({ limit = 50 } = {}) =>
      group.run(() => (selectFailures.all(limit) as FailureRow[]).map(toFailure)),
    queueOrderRelays: (relays) =>
      group.run(() => {
        // Read in the transaction that queues: one synchronous step, so no termination
        // (terminateSkus, below) can come between the check and the queueing.
        const ended = relays.find(
          (relay) =>
            relay.orderId !== null && relay.sku !== null && skuEnded.get(relay.orderId, relay.sku),
        );
        if (ended?.sku) throw new SkuEnded(ended.sku);
        return relays.map((relay) => {
          const { queued, row } = queueRelay(relay);
          return { queued, relay: toRelayRef(row) };
        });
      }),
    terminateSkus: ({ provisioningId, skus, now, usageReport, end }) =>
      group.run(() => {
        const ended = skus.filter((sku) => endSku.run({ provisioningId, sku, now }).changes > 0);
        for (const sku of ended) {
          // The open usage first: read in this transaction, so none arrives unreported.
          for (const bucket of openBuckets(provisioningId, sku)) queueRelay(usageReport(bucket));
          queueRelay(end(sku));
        }
        // A start not yet delivered never follows the end: it is superseded now, and the
        // end waits only for one being sent.
        supersedeStarts(now);
        return ended;
      }),
  };
}
