import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../log.js';
import { openSqliteStore } from '../store/sqlite.js';
import { purchaseFixture } from '../test-support/fixtures.js';
import { parseMetrics } from '../test-support/prometheus.js';
import { seedUsageScenario, USAGE_NOW } from '../test-support/seed-usage.js';
import { tempDir } from '../test-support/tmp.js';
import { createMetrics } from './collector-metrics.js';

const NOW = Date.parse('2025-03-01T12:00:00Z');

async function openStore() {
  const store = await openSqliteStore({ path: join(tempDir(), 'm.sqlite'), logger: silentLogger });
  onTestFinished(() => store.close());
  return store;
}

const read = async (metrics: ReturnType<typeof createMetrics>) =>
  parseMetrics(await metrics.registry.metrics());

describe('createMetrics', () => {
  it('shows every known series at zero before anything happened', async () => {
    const samples = await read(
      createMetrics({ store: await openStore(), clock: { now: () => NOW } }),
    );
    expect(samples.get('clm_beacons_total{kind="purchase",outcome="already_queued"}')).toBe(0);
    expect(samples.get('clm_beacons_total{kind="unknown",outcome="invalid"}')).toBe(0);
    expect(samples.get('clm_api_purchases_total{outcome="unauthorized"}')).toBe(0);
    expect(samples.get('clm_relay_attempts_total{outcome="dead"}')).toBe(0);
    expect(samples.get('clm_relay_duration_seconds_count')).toBe(0);
    expect(samples.get('clm_relays_pending')).toBe(0);
    expect(samples.get('clm_relays_dead')).toBe(0);
    expect(samples.get('clm_relay_oldest_pending_age_seconds')).toBe(0);
    for (const outcome of ['delivered', 'retry', 'dead', 'unconfirmed'])
      expect(samples.get(`clm_usage_reports_total{outcome="${outcome}"}`)).toBe(0);
    expect(samples.get('clm_usage_reports_unconfirmed')).toBe(0);
    // Without a scheduler there is no close to announce.
    expect(samples.has('clm_usage_next_close_timestamp_seconds')).toBe(false);
  });

  it('counts usage report attempts apart, and reads the unconfirmed ones and the next close', async () => {
    const store = await openStore();
    await seedUsageScenario(store);
    const metrics = createMetrics({
      store,
      clock: { now: () => USAGE_NOW },
      nextClose: () => Date.parse('2026-07-31T19:00:00Z'),
      processMetrics: false,
    });
    metrics.relayAttempt('unconfirmed', 10, 'usage_report');
    metrics.relayAttempt('delivered', 0.2, 'usage_report');
    metrics.relayAttempt('delivered', 0.2, 'saas_tracking');
    metrics.relayAttempt('dead');
    const samples = await read(metrics);
    expect(samples.get('clm_usage_reports_total{outcome="unconfirmed"}')).toBe(1);
    expect(samples.get('clm_usage_reports_total{outcome="delivered"}')).toBe(1);
    expect(samples.get('clm_usage_reports_total{outcome="dead"}')).toBe(0);
    expect(samples.get('clm_relay_attempts_total{outcome="delivered"}')).toBe(2);
    expect(samples.get('clm_relay_attempts_total{outcome="unconfirmed"}')).toBe(1);
    // The scenario leaves one June report unconfirmed.
    expect(samples.get('clm_usage_reports_unconfirmed')).toBe(1);
    expect(samples.get('clm_usage_next_close_timestamp_seconds')).toBe(1_785_524_400);
  });

  it('reads pending, dead and the oldest wait from the store at scrape time', async () => {
    const store = await openStore();
    const metrics = createMetrics({ store, clock: { now: () => NOW } });
    const at = (secondsAgo: number) => ({ receivedAt: NOW - secondsAgo * 1000 });
    for (const [customerId, ago] of [
      ['c-old', 7260],
      ['c-new', 60],
      ['c-dead', 9000],
    ] as const) {
      const { event, relay } = purchaseFixture({ customerId, ...at(ago) });
      await store.recordEvent(event, relay);
    }
    // Claims the two oldest (c-dead, c-old): one dead-lettered, one stays in flight.
    const claimed = await store.claimDueRelays({ now: NOW, limit: 2, leaseMs: 60_000 });
    const dead = claimed.find((r) => r.customerId === 'c-dead');
    if (!dead) throw new Error('c-dead was not claimed');
    await store.markDead(dead.id, { at: NOW, status: 400, body: 'no', error: 'HTTP 400' });

    const samples = await read(metrics);
    expect(samples.get('clm_relays_pending')).toBe(2);
    expect(samples.get('clm_relays_dead')).toBe(1);
    expect(samples.get('clm_relay_oldest_pending_age_seconds')).toBe(7260);
  });

  it('counts into its own registry, with process metrics prefixed clm_', async () => {
    const store = await openStore();
    const clock = { now: () => NOW };
    const first = createMetrics({ store, clock });
    const second = createMetrics({ store, clock, processMetrics: false });
    first.beacon('visit', 'accepted');
    first.apiPurchase('accepted');
    first.relayAttempt('retry', 0.2);
    first.relayAttempt('dead');

    const one = await read(first);
    expect(one.get('clm_beacons_total{kind="visit",outcome="accepted"}')).toBe(1);
    expect(one.get('clm_api_purchases_total{outcome="accepted"}')).toBe(1);
    expect(one.get('clm_relay_attempts_total{outcome="retry"}')).toBe(1);
    expect(one.get('clm_relay_attempts_total{outcome="dead"}')).toBe(1);
    // Only the call that reached the onramp is timed.
    expect(one.get('clm_relay_duration_seconds_count')).toBe(1);
    expect(one.get('clm_relay_duration_seconds_bucket{le="0.1"}')).toBe(0);
    expect(one.get('clm_relay_duration_seconds_bucket{le="0.25"}')).toBe(1);
    expect(one.has('clm_process_resident_memory_bytes')).toBe(true);

    const two = await read(second);
    expect(two.get('clm_beacons_total{kind="visit",outcome="accepted"}')).toBe(0);
    expect([...two.keys()].some((name) => name.startsWith('clm_process_'))).toBe(false);
    expect([...one.keys()].every((name) => name.startsWith('clm_'))).toBe(true);
  });
});
