import type pg from 'pg';
import { stringifyExact } from '../../exact-json.js';
import type { OrderRow } from '../order-rows.js';
import type { Order, OrdersStore } from '../orders.js';
import { inTransaction, type Queryable } from './db.js';
import { getOrder, load } from './orders-load.js';

/** Storing and reading orders on PostgreSQL. */
export function postgresOrderRecords(
  pool: pg.Pool,
): Pick<OrdersStore, 'getOrder' | 'listOrders' | 'createOrder'> {
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
  };
}
