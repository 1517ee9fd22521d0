import { describe, expect, it } from 'vitest';
import { startBillingRelay } from '../../orders/relay-kinds.js';
import type { Store } from '../../store/types.js';
import { usageReportRelay } from '../../usage/report-kind.js';
import { purchaseFixture } from '../fixtures.js';
import { settleRelays } from '../seed-orders.js';
import { fixedClock, type StoreHarness, T0 } from './harness.js';
import { createOrder, terminate, usageEvent } from './orders.js';

const clock = fixedClock(T0);

// One order with every fate a billing call can have, beside a dead SaasTracking: SKU-A's
// start refused and its report unconfirmed; SKU-B's start superseded by its end.
async function seed(store: Store) {
  const order = await createOrder(store);
  const { event, relay } = purchaseFixture({ customerId: 'buyer-1', receivedAt: T0 });
  await store.recordEvent(event, relay);
  await store.queueOrderRelays(['SKU-A', 'SKU-B'].map((sku) => startBillingRelay(order, sku, T0)));
  await store.recordUsage([usageEvent('e-1', 'SKU-A', '2026-07', 1_500_000n)]);
  await store.closePeriod({
    period: '2026-07',
    now: T0,
    early: false,
    report: (bucket) => usageReportRelay(bucket, T0),
  });
  await settleRelays(store, T0, (r) => {
    if (r.kind === 'usage_report') return 'unconfirmed';
    return r.kind === 'start_billing' && r.sku === 'SKU-B' ? 'pending' : 'dead';
  });
  await terminate(store, order, ['SKU-B'], T0 + 1);
}

/** The reads of the reconciliation export and of the money in doubt. */
export function describeBillingReads(harness: StoreHarness): void {
  describe('billing reads', () => {
    it('pages through the order calls only, leaving SaasTrackings out', async () => {
      const store = await harness.fresh({ clock });
      await seed(store);
      const seen: string[] = [];
      for (let afterId = 0; ; ) {
        const page = await store.pageRelays({ afterId, limit: 2, ordersOnly: true });
        if (page.length === 0) break;
        seen.push(...page.map((relay) => `${relay.kind} ${relay.sku}`));
        afterId = page.at(-1)?.id ?? Number.MAX_SAFE_INTEGER;
      }
      expect(seen).toEqual([
        'start_billing SKU-A',
        'start_billing SKU-B',
        'usage_report SKU-A',
        'usage_end SKU-B',
      ]);
      const all = await store.pageRelays({ afterId: 0, limit: 10 });
      expect(all.map((relay) => relay.kind)).toContain('saas_tracking');
      // The export reads every order: no limit a database would refuse.
      const orders = await store.listOrders({ limit: Number.MAX_SAFE_INTEGER });
      expect(orders.map((order) => order.provisioningId)).toEqual(['prov-1']);
    });

    it('lists the unconfirmed and dead order calls, not a superseded start nor SaasTrackings', async () => {
      const store = await harness.fresh({ clock });
      expect(await store.listBillingInDoubt()).toEqual([]);
      await seed(store);
      const doubt = await store.listBillingInDoubt();
      expect(doubt.map((relay) => [relay.kind, relay.sku, relay.status])).toEqual([
        ['start_billing', 'SKU-A', 'dead'],
        ['usage_report', 'SKU-A', 'unconfirmed'],
      ]);
      expect(doubt[1]?.payload).toMatchObject({ usageCount: '1.5', provisioningId: 'prov-1' });
      await store.confirmReport(doubt[1]?.id ?? -1, T0 + 2);
      expect((await store.listBillingInDoubt()).map((relay) => relay.kind)).toEqual([
        'start_billing',
      ]);
    });
  });
}
