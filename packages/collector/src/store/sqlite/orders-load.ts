import type Database from 'better-sqlite3';
import { attachRelays, type OrderRelayRow, type OrderRow, toOrder } from '../order-rows.js';
import type { Order, OrderSku } from '../orders.js';

interface SkuRow {
  sku: string;
  ended_at: number | null;
}

/** Reading an order row into an order, with its SKUs and their billing and end relays. */
export function prepareLoadOrder(db: Database.Database) {
  const selectOrder = db.prepare('SELECT * FROM orders WHERE provisioning_id = ?');
  const selectSkus = db.prepare(
    'SELECT sku, ended_at FROM order_skus WHERE provisioning_id = ? ORDER BY position',
  );
  const selectRelays = db.prepare(
    `SELECT id, kind, sku, status, last_error, delivered_at FROM relays
     WHERE order_id = ? AND kind IN ('start_billing', 'usage_end')`,
  );

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
  return { load, get };
}

/** An order row's reader and an order's, by its provisioning id. */
export type LoadOrder = ReturnType<typeof prepareLoadOrder>;
