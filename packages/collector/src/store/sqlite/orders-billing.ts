import type Database from 'better-sqlite3';
import type { GroupCommit } from '../group-commit.js';
import { toRelayRef } from '../order-rows.js';
import { type OrdersStore, SkuEnded } from '../orders.js';
import { prepareQueueRelay } from './relay-rows.js';
import { prepareSupersedeStarts } from './supersede.js';
import { prepareOpenBuckets } from './usage-buckets.js';

/** Queueing an order's billing calls and terminating its SKUs, on SQLite. */
export function sqliteOrderBilling(
  db: Database.Database,
  group: GroupCommit,
): Pick<OrdersStore, 'queueOrderRelays' | 'terminateSkus'> {
  const skuEnded = db.prepare(
    `SELECT 1 FROM order_skus
     WHERE provisioning_id = ? AND sku = ? AND ended_at IS NOT NULL`,
  );
  const endSku = db.prepare(
    `UPDATE order_skus SET ended_at = @now
     WHERE provisioning_id = @provisioningId AND sku = @sku AND ended_at IS NULL`,
  );
  const queueRelay = prepareQueueRelay(db);
  const openBuckets = prepareOpenBuckets(db);
  const supersedeStarts = prepareSupersedeStarts(db);

  return {
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
