import { describe, expect, it } from 'vitest';
import { CHAIN_TOKENS, startChain } from '../test-support/chain.js';
import { scrape } from '../test-support/prometheus.js';

describe('relay metrics', () => {
  it('count attempts by outcome and time every onramp call', async () => {
    const chain = await startChain();
    // Two failures (retried), then one rejection (dead-lettered), then success.
    await chain.mode({ mode: 'fail', status: 503, count: 2 });
    expect(await chain.purchases(['m-1'])).toEqual([204]);
    await chain.settled();
    await chain.mode({ mode: 'reject', count: 1 });
    expect(await chain.purchases(['m-2'])).toEqual([204]);
    await chain.settled();

    const samples = await scrape(chain.url, CHAIN_TOKENS.admin);
    const attempts = (outcome: string) =>
      samples.get(`clm_relay_attempts_total{outcome="${outcome}"}`);
    expect([attempts('retry'), attempts('delivered'), attempts('dead')]).toEqual([2, 1, 1]);
    expect(samples.get('clm_relay_duration_seconds_count')).toBe(4);
    expect(samples.get('clm_relay_duration_seconds_bucket{le="+Inf"}')).toBe(4);
    // Buckets reach the default relay timeout (60 s).
    expect(samples.get('clm_relay_duration_seconds_bucket{le="60"}')).toBe(4);
    expect(samples.get('clm_relay_duration_seconds_sum')).toBeGreaterThan(0);
    expect(samples.get('clm_relays_pending')).toBe(0);
    expect(samples.get('clm_relays_dead')).toBe(1);
    expect(samples.get('clm_beacons_total{kind="purchase",outcome="accepted"}')).toBe(2);
  });
});
