import type pg from 'pg';
import { toRelayRef } from '../order-rows.js';
import { type OrdersStore, type RelayRef, SkuEnded } from '../orders.js';
import type { NewRelay } from '../outbox.js';
import { inTransaction, LOCKS, type Queryable } from './db.js';
import { queueRelay } from './relay-rows.js';
import { supersedeStarts } from './supersede.js';
import { openBuckets } from './usage-buckets.js';

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
 * Queueing an order's billing calls and terminating its SKUs, on PostgreSQL. A termination
 * holds the usage calendar's lock, as a close does.
 */
export function postgresOrderBilling(
  pool: pg.Pool,
): Pick<OrdersStore, 'queueOrderRelays' | 'terminateSkus'> {
  return {
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
