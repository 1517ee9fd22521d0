import type Database from 'better-sqlite3';
import type { UsageBucket } from '../usage.js';
import { joinSlices, SLICED_SUM, type SlicedSum } from './usage-sums.js';

/** A bucket's row: its key, its sliced sum and its order's marketplace identity. */
export interface BucketRow extends SlicedSum {
  provisioning_id: string;
  sku: string;
  period: string;
  customer_id: string;
  provider_key: string;
  product_id: bigint;
}

export const toBucket = (row: BucketRow): UsageBucket => ({
  provisioningId: row.provisioning_id,
  sku: row.sku,
  period: row.period,
  micros: joinSlices(row),
  customerId: row.customer_id,
  providerKey: row.provider_key,
  productId: Number(row.product_id),
});

/**
 * The SQL and helpers usage shares with termination: the buckets of an order's SKU in
 * periods not closed yet, read in the caller's transaction.
 */
export function prepareOpenBuckets(db: Database.Database) {
  const select = db
    .prepare(
      `SELECT e.provisioning_id, e.sku, e.period, ${SLICED_SUM},
         o.customer_id, o.provider_key, o.product_id
       FROM usage_events AS e JOIN orders AS o USING (provisioning_id)
       WHERE e.provisioning_id = @provisioningId AND e.sku = @sku
         AND e.period > COALESCE((SELECT MAX(period) FROM usage_periods), '')
       GROUP BY e.period ORDER BY e.period`,
    )
    .safeIntegers(true);
  return (provisioningId: string, sku: string): UsageBucket[] =>
    (select.all({ provisioningId, sku }) as BucketRow[]).map(toBucket);
}
