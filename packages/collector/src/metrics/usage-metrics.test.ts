import { describe, expect, it } from 'vitest';
import { CHAIN_TOKENS } from '../test-support/chain.js';
import { waitFor } from '../test-support/http.js';
import { startOrdersChain } from '../test-support/orders.js';
import { scrape } from '../test-support/prometheus.js';
import { closePeriodNow } from '../usage/close.js';

const NOW = Date.parse('2026-07-15T17:00:00Z');

describe('usage metrics', () => {
  it('count report outcomes from the worker, the unconfirmed ones and the next close', async () => {
    const chain = await startOrdersChain({ clock: { now: () => NOW } });
    const id = await chain.order({ productSkus: ['SKU-SEATS'] });
    const usage = await chain.api('POST', '/api/usage', {
      eventId: 'e-1',
      provisioningId: id,
      productSku: 'SKU-SEATS',
      quantity: 2.5,
    });
    expect(usage.status).toBe(202);
    await chain.mode({ mode: 'fail', status: 500, count: 1, endpoint: 'saas-usage' });
    await closePeriodNow(chain.store, chain.config.billing, {
      period: '2026-07',
      now: NOW,
      early: true,
    });
    const report = async () =>
      (await chain.store.listRelays()).find((relay) => relay.kind === 'usage_report');
    await waitFor(async () => (await report())?.status === 'unconfirmed', {
      message: 'unconfirmed',
    });

    const metrics = () => scrape(chain.url, CHAIN_TOKENS.admin);
    let samples = await metrics();
    expect(samples.get('clm_usage_reports_total{outcome="unconfirmed"}')).toBe(1);
    expect(samples.get('clm_usage_reports_total{outcome="delivered"}')).toBe(0);
    expect(samples.get('clm_usage_reports_unconfirmed')).toBe(1);
    // The scheduler's next close: the end of July, 14:00 in Chicago.
    expect(samples.get('clm_usage_next_close_timestamp_seconds')).toBe(
      Date.parse('2026-07-31T19:00:00Z') / 1000,
    );

    await chain.store.resendReport((await report())?.id ?? 0, NOW);
    await waitFor(async () => (await report())?.status === 'delivered', { message: 'delivered' });
    samples = await metrics();
    expect(samples.get('clm_usage_reports_total{outcome="delivered"}')).toBe(1);
    expect(samples.get('clm_usage_reports_unconfirmed')).toBe(0);
  });
});
