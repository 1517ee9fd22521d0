import { describe, expect, it } from 'vitest';
import type { BillingModel } from '../orders/billing-models.js';
import type { MarketplaceApi } from '../outbox/kind.js';
import { ADMIN_NOW, startAdmin } from '../test-support/admin.js';
import { createTestOrder } from '../test-support/seed-orders.js';

// ADMIN_NOW is 2025-03-01 12:00 UTC; the orders are an hour older (05:00 CST).
const ORDERED = ADMIN_NOW - 3_600_000;
const SKU_BILLING = new Map<string, BillingModel>([
  ['NOW', { kind: 'immediate' }],
  ['LATER', { kind: 'delay', days: 3 }],
  ['NEXT', { kind: 'next-month' }],
]);

// `now`: the clock from sign-in on (a session does not outlive a month).
async function ordersPage(marketplaceApi: MarketplaceApi = 'v2', now = ADMIN_NOW) {
  const admin = await startAdmin({ skuBilling: SKU_BILLING, marketplaceApi });
  await createTestOrder(admin.store, 'ord-mixed', ['MANUAL', 'NOW', 'LATER', 'NEXT'], {
    at: ORDERED,
  });
  await createTestOrder(admin.store, 'ord-scheduled', ['NOW', 'NEXT'], { at: ORDERED + 1 });
  admin.clock.time = now;
  const cookie = await admin.signIn();
  /** Per order: each SKU's billing text and Start now, and whether it has Start billing. */
  const page = async () => {
    const text = await (await fetch(`${admin.url}/admin/orders`, { headers: { cookie } })).text();
    const rows = text.matchAll(/<tr data-provisioning-id="([^"]+)"[^>]*>([\s\S]*?)<\/tr>/g);
    return Object.fromEntries(
      [...rows].map(([, id, cells = '']) => [
        id,
        {
          skus: Object.fromEntries(
            [...cells.matchAll(/<li><code class="sku">([^<]+)<\/code> (.*?)<\/li>/g)].map(
              ([, sku, item = '']) => [
                sku,
                `${/class="billing-state"[^>]*>([^<]*)</.exec(item)?.[1]}${item.includes('<input type="hidden" name="skus" value="') ? ' [Start now]' : ''}`,
              ],
            ),
          ),
          startBilling: cells.includes('<button type="submit">Start billing</button>'),
        },
      ]),
    );
  };
  const start = (id: string, fields: Record<string, string> = {}) =>
    admin.postForm(`/admin/orders/${id}/start-billing`, fields, { cookie });
  const confirmStart = async (id: string, fields: Record<string, string> = {}) =>
    (await admin.postConfirmed(`/admin/orders/${id}/start-billing`, fields, { cookie })).res;
  const started = async () =>
    (await admin.store.listRelays({ limit: 100 }))
      .filter((relay) => relay.kind === 'start_billing')
      .map((relay) => `${relay.orderId} ${relay.sku}`)
      .sort();
  return { ...admin, page, start, confirmStart, started };
}

describe('Orders page with CLM_SKU_BILLING', () => {
  it('shows when each SKU bills, Start billing for manual SKUs and Start now for scheduled ones', async () => {
    const { page } = await ordersPage();
    expect(await page()).toEqual({
      'ord-scheduled': {
        skus: {
          NOW: 'billing since 2025-03-01 05:00 CST (immediate)',
          NEXT: 'billing starts 2025-04-01 00:00 CDT (next-month) [Start now]',
        },
        startBilling: false,
      },
      'ord-mixed': {
        skus: {
          MANUAL: 'not started',
          NOW: 'billing since 2025-03-01 05:00 CST (immediate)',
          LATER: 'billing starts 2025-03-04 05:00 CST (delay:3d) [Start now]',
          NEXT: 'billing starts 2025-04-01 00:00 CDT (next-month) [Start now]',
        },
        startBilling: true,
      },
    });
  });

  it('starts the manual SKUs with Start billing and one scheduled SKU with its Start now', async () => {
    const { page, confirmStart, started, relay } = await ordersPage();
    expect((await confirmStart('ord-mixed')).headers.get('location')).toBe(
      '/admin/orders?order=ord-mixed',
    );
    expect(await started()).toEqual(['ord-mixed MANUAL']);
    expect((await confirmStart('ord-mixed', { skus: 'LATER' })).status).toBe(303);
    expect(await started()).toEqual(['ord-mixed LATER', 'ord-mixed MANUAL']);
    expect(relay.notified).toBe(2);
    const { skus, startBilling } = (await page())['ord-mixed'] ?? {};
    expect(startBilling).toBe(false);
    expect(skus).toMatchObject({
      MANUAL: 'starting…',
      LATER: 'billing starts 2025-03-04 05:00 CST (delay:3d) · start now: starting…',
      NEXT: 'billing starts 2025-04-01 00:00 CDT (next-month) [Start now]',
    });
  });

  it('shows a scheduled SKU as billed once its start has come, and refuses to start it', async () => {
    const { page, start, started } = await ordersPage('v2', Date.parse('2025-04-01T05:00:00Z'));
    expect((await page())['ord-scheduled']?.skus).toEqual({
      NOW: 'billing since 2025-03-01 05:00 CST (immediate)',
      NEXT: 'billing since 2025-04-01 00:00 CDT (next-month)',
    });
    const cases: [Record<string, string>, string][] = [
      [
        { skus: 'NEXT' },
        'SKU &quot;NEXT&quot; started billing on its schedule (next-month) at 2025-04-01T05:00:00.000Z',
      ],
      [{ skus: 'NOW' }, 'SKU &quot;NOW&quot; bills from its order (immediate)'],
    ];
    for (const [fields, message] of cases) {
      const res = await start('ord-scheduled', fields);
      expect(res.status).toBe(409);
      expect(await res.text()).toContain(
        `${message}: there is no billing start to send; nothing was changed.`,
      );
    }
    expect(await started()).toEqual([]);
  });

  it('bills every SKU from its order under v1, with no button at all', async () => {
    const { page } = await ordersPage('v1');
    const { skus, startBilling } = (await page())['ord-mixed'] ?? {};
    expect(startBilling).toBe(false);
    expect(skus).toEqual({
      MANUAL: 'billing since 2025-03-01 05:00 CST (immediate)',
      NOW: 'billing since 2025-03-01 05:00 CST (immediate)',
      LATER: 'billing since 2025-03-01 05:00 CST (immediate)',
      NEXT: 'billing since 2025-03-01 05:00 CST (immediate)',
    });
  });
});
