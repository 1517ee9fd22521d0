import type { UsageBucket } from '../usage.js';
import type { Queryable } from './db.js';
import { LAST_CLOSED } from './usage-record.js';

/** A bucket's row: its key, its exact sum and its order's marketplace identity. */
export interface BucketRow {
  provisioning_id: string;
  sku: string;
  period: string;
  /** The exact sum, as text. */
  micros: string;
  customer_id: string;
  provider_key: string;
  product_id: number;
}

export const toBucket = (row: BucketRow): UsageBucket => ({
  provisioningId: row.provisioning_id,
  sku: row.sku,
  period: row.period,
  micros: BigInt(row.micros),
  customerId: row.customer_id,
  providerKey: row.provider_key,
  productId: row.product_id,
});

export const BUCKET_COLUMNS = `e.provisioning_id, e.sku, e.period, SUM(e.quantity_micros)::text AS micros,
  o.customer_id, o.provider_key, o.product_id`;

/**
 * The buckets of an order's SKU in periods not closed yet, read in the caller's
 * transaction (which holds the usage calendar's lock).
 */
export async function openBuckets(
  client: Queryable,
  provisioningId: string,
  sku: string,
): Promise<UsageBucket[]> {
  const rows = await client.query<BucketRow>(
    `SELECT ${BUCKET_COLUMNS}
     FROM usage_events AS e JOIN orders AS o USING (provisioning_id)
     WHERE e.provisioning_id = $1 AND e.sku = $2
       AND e.period > COALESCE((${LAST_CLOSED}), '')
     GROUP BY e.provisioning_id, e.sku, e.period, o.customer_id, o.provider_key, o.product_id
     ORDER BY e.period`,
    [provisioningId, sku],
  );
  return rows.rows.map(toBucket);
}
