import {
  expect,
  metric,
  orderBody,
  PRODUCT,
  provision,
  subscription,
  test,
} from '../support/orders.js';
import { FIRST_CUSTOMER_ID, gate } from '../support/provider.js';

// Provisioning under faults, from Node (the marketplace's calls sent with fetch), against a
// real collector process and the provider's endpoint in support/.

const GENERIC = {
  error: 'The provider could not complete the order right now. Please try again later.',
};

test('SIGKILL right after a 200: the order survives, and a repeat gets the same customer', async ({
  collector,
  provider,
}) => {
  const body = orderBody();
  const { provisioningId } = JSON.parse(body);
  const first = await provision(collector, body);
  expect(first).toEqual({
    status: 200,
    body: { customerId: String(FIRST_CUSTOMER_ID), plan: 'trial' },
  });
  expect(await collector.kill('SIGKILL')).toBeNull();
  await collector.restart();

  const stored = await subscription(collector, provisioningId);
  expect(stored.status).toBe(200);
  expect(stored.body).toMatchObject({
    provisioningId,
    productId: PRODUCT.id,
    customerId: String(FIRST_CUSTOMER_ID),
  });
  // The marketplace lost the answer and sends the order again: same answer, no new call.
  expect(await provision(collector, body)).toEqual(first);
  expect(provider.calls).toHaveLength(1);
  expect(provider.calls[0]).toMatchObject({ body, signed: true });
  console.log('[faults] SIGKILL after a 200: 2 provisionings (200, repeat 200), provider 1 call');
});

test('two identical orders at once while the provider is slow: one call, one customer', async ({
  collector,
  provider,
}) => {
  // The provider holds its answer until the collector has taken the second request in.
  const held = gate();
  provider.answer = (_call, order) => ({ ...provider.createAccount(order), until: held.opened });
  const body = orderBody();
  const both = Promise.all([provision(collector, body), provision(collector, body)]);
  await expect.poll(() => metric(collector, 'clm_provisioning_total', 'outcome="repeat"')).toBe(1);
  await expect.poll(() => provider.calls.length).toBe(1);
  held.open();

  const answer = { status: 200, body: { customerId: String(FIRST_CUSTOMER_ID), plan: 'trial' } };
  expect(await both).toEqual([answer, answer]);
  expect(provider.calls).toHaveLength(1);
  expect(await metric(collector, 'clm_provisioning_total', 'outcome="created"')).toBe(1);
  console.log('[faults] 2 identical orders at once: both 200, one customer, provider 1 call');
});

test.describe('with CLM_PROVISION_TIMEOUT_MS=300', () => {
  test.use({ collectorEnv: { CLM_PROVISION_TIMEOUT_MS: '300' } });

  test('a provider slower than the timeout: 502, then a repeat tries again and succeeds', async ({
    collector,
    provider,
  }) => {
    const slow = gate();
    provider.answer = (_call, order) => ({ ...provider.createAccount(order), until: slow.opened });
    const body = orderBody();
    const { provisioningId } = JSON.parse(body);
    expect(await provision(collector, body)).toEqual({ status: 502, body: GENERIC });
    expect((await subscription(collector, provisioningId)).status).toBe(404);

    // The provider recovers (and finishes the call the collector gave up on).
    provider.answer = (_call, order) => provider.createAccount(order);
    slow.open();
    expect(await provision(collector, body)).toEqual({
      status: 200,
      body: { customerId: String(FIRST_CUSTOMER_ID), plan: 'trial' },
    });
    expect(provider.calls).toHaveLength(2);
    expect(provider.calls.every((call) => call.body === body && call.signed)).toBe(true);
    expect((await subscription(collector, provisioningId)).status).toBe(200);
    console.log('[faults] provider past the 300 ms timeout: 502, then 200; provider 2 calls');
  });
});
