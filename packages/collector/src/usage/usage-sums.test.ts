import { describe, expect, it } from 'vitest';
import { CHAIN_TOKENS } from '../test-support/chain.js';
import { startOrdersChain } from '../test-support/orders.js';
import { scrape } from '../test-support/prometheus.js';
import { closePeriodNow } from './close.js';

// 2026-07-15 12:00 in Chicago: July open.
const NOW = Date.parse('2026-07-15T17:00:00Z');
const HUGE = 2n ** 62n;

// An order whose July sum of SKU-SEATS passes 2^63 micro-units (recorded in the store: one
// API request carries at most 10^9 per event, and ~9,300 of those make the same sum).
async function hugeOrderChain() {
  const chain = await startOrdersChain({ clock: { now: () => NOW } });
  const big = await chain.order({ productSkus: ['SKU-SEATS', 'SKU-STORAGE'] });
  const small = await chain.order({ productSkus: ['SKU-SEATS'] });
  const event = (eventId: string, provisioningId: string, sku: string, micros: bigint) => ({
    eventId,
    provisioningId,
    sku,
    micros,
    occurredAt: NOW,
    receivedAt: NOW,
    period: '2026-07',
  });
  await chain.store.recordUsage([
    event('h-1', big, 'SKU-SEATS', HUGE),
    event('h-2', big, 'SKU-SEATS', HUGE),
    event('h-3', big, 'SKU-SEATS', 1_000_000n),
    event('s-1', big, 'SKU-STORAGE', 2_000_000n),
    event('o-1', small, 'SKU-SEATS', 3_000_000n),
  ]);
  const get = async (path: string, token = CHAIN_TOKENS.api) => {
    const res = await fetch(`${chain.url}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return { chain, big, small, get };
}

describe('usage sums past 2^63', () => {
  it('are read exactly by the provider API and the admin API, not a 500', async () => {
    const { big, get } = await hugeOrderChain();
    const order = await get(`/api/subscriptions/${big}`);
    expect(order.status).toBe(200);
    expect(order.body.usage).toEqual([
      expect.objectContaining({ sku: 'SKU-SEATS', quantity: '9223372036855.775808', events: 3 }),
      expect.objectContaining({ sku: 'SKU-STORAGE', quantity: '2' }),
    ]);
    const admin = await get('/admin/api/usage', CHAIN_TOKENS.admin);
    expect(admin.status).toBe(200);
    expect(admin.body.lines).toContainEqual(
      expect.objectContaining({ provisioningId: big, quantity: '9223372036855.775808' }),
    );
  });

  it('hold that report at the close, and send every other one', async () => {
    const { chain, big, small, get } = await hugeOrderChain();
    const closed = await closePeriodNow(chain.store, chain.config.billing, {
      period: '2026-07',
      now: NOW,
      early: true,
    });
    // Two go to the marketplace; the third is queued held, never sent.
    expect(closed).toEqual([{ period: '2026-07', reports: 2, held: 1 }]);
    await chain.settled();
    const sent = (await chain.calls('saas-usage')).map((r) => [r.provisioningId, r.usageCount]);
    expect(sent.sort()).toEqual(
      [
        [big, 2],
        [small, 3],
      ].sort(),
    );
    const order = await get(`/api/subscriptions/${big}`);
    const seats = (order.body.usage as { sku: string; report: Record<string, unknown> }[]).find(
      (line) => line.sku === 'SKU-SEATS',
    );
    expect(seats?.report).toMatchObject({
      state: 'held',
      status: 'dead',
      error: expect.stringMatching(/^held: usage count 9223372036855\.775808 has 19 significant/),
    });
    const admin = await get('/admin/api/usage', CHAIN_TOKENS.admin);
    expect(admin.body.held).toBe(1);
    // Not a dead letter to retry: no dead-letter alert fires for it.
    const samples = await scrape(chain.url, CHAIN_TOKENS.admin);
    expect(samples.get('clm_relays_dead')).toBe(0);
  });

  it('terminate the order: the huge report held, every end delivered', async () => {
    const { chain, big, get } = await hugeOrderChain();
    const res = await fetch(`${chain.url}/api/subscriptions/${big}/terminate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CHAIN_TOKENS.api}` },
    });
    expect(res.status).toBe(202);
    await chain.settled();
    expect((await chain.calls('saas-usage')).map((r) => r.usageCount)).toEqual([2]);
    expect((await chain.calls('saas-usage-end')).map((r) => r.productSkus)).toEqual([
      ['SKU-SEATS'],
      ['SKU-STORAGE'],
    ]);
    const order = await get(`/api/subscriptions/${big}`);
    expect(order.body.terminatedAt).not.toBeNull();
  });
});
