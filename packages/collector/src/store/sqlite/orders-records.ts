import type Database from 'better-sqlite3';
import { stringifyExact } from '../../exact-json.js';
import type { GroupCommit } from '../group-commit.js';
import type { OrderRow } from '../order-rows.js';
import type { Order, OrdersStore } from '../orders.js';
import type { LoadOrder } from './orders-load.js';

/** Storing and reading orders on SQLite. */
export function sqliteOrderRecords(
  db: Database.Database,
  group: GroupCommit,
  { load, get }: LoadOrder,
): Pick<OrdersStore, 'getOrder' | 'listOrders' | 'createOrder'> {
  // An alias: the order stored under another request key, reached by this one too.
  const insertAlias = db.prepare(
    `INSERT INTO order_keys (request_key, provisioning_id, request_digest)
     SELECT @requestKey, provisioning_id, @requestDigest FROM orders
     WHERE provisioning_id = @provisioningId AND request_key <> @requestKey
     ON CONFLICT DO NOTHING`,
  );
  const selectOrders = db.prepare(
    'SELECT * FROM orders ORDER BY created_at DESC, rowid DESC LIMIT ?',
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
  };
}
