import type { OrderRelayRow, OrderRow } from '../order-rows.js';
import { attachRelays, toOrder } from '../order-rows.js';
import type { Order, OrderSku } from '../orders.js';
import type { Queryable } from './db.js';

interface SkuRow {
  provisioning_id: string;
  sku: string;
  ended_at: number | null;
}

/** The orders of `rows`, in that order, each with its SKUs and their billing and end relays. */
export async function load(client: Queryable, rows: readonly OrderRow[]): Promise<Order[]> {
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

/** The order of `provisioningId`, or null when there is none. */
export async function getOrder(client: Queryable, provisioningId: string): Promise<Order | null> {
  const found = await client.query<OrderRow>('SELECT * FROM orders WHERE provisioning_id = $1', [
    provisioningId,
  ]);
  const [order] = await load(client, found.rows);
  return order ?? null;
}
