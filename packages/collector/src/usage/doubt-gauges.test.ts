import { describe, expect, it } from 'vitest';
import { startBillingRelay } from '../orders/relay-kinds.js';
import { ADMIN_TOKEN } from '../test-support/admin.js';
import { scrape } from '../test-support/prometheus.js';
import { settleRelays } from '../test-support/seed-orders.js';
import { USAGE_NOW } from '../test-support/seed-usage.js';
import { startUsageAdmin } from '../test-support/usage-admin.js';

const sample = (kind: string, state: string) =>
  `clm_billing_calls_in_doubt{kind="${kind}",state="${state}"}`;

describe('money in doubt metric', () => {
  it('counts the billing calls in doubt by kind and state, starts and ends included', async () => {
    const admin = await startUsageAdmin();
    const metrics = () => scrape(admin.url, ADMIN_TOKEN);
    let samples = await metrics();
    expect(samples.get(sample('usage_report', 'unconfirmed'))).toBe(1);
    expect(samples.get(sample('usage_report', 'dead'))).toBe(1);
    expect(samples.get(sample('start_billing', 'dead'))).toBe(0);
    expect(samples.get(sample('usage_end', 'dead'))).toBe(0);

    const order = await admin.store.getOrder('ord-c');
    if (!order) throw new Error('no order ord-c');
    await admin.store.queueOrderRelays([startBillingRelay(order, 'SKU-A', USAGE_NOW)]);
    await settleRelays(admin.store, USAGE_NOW, (relay) =>
      relay.kind === 'start_billing' ? 'dead' : 'pending',
    );
    samples = await metrics();
    expect(samples.get(sample('start_billing', 'dead'))).toBe(1);
    expect(samples.get(sample('usage_report', 'unconfirmed'))).toBe(1);
  });
});
