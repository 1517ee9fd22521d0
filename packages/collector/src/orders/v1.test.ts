import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { provisionBody, startOrdersChain } from '../test-support/orders.js';
import { closePeriodNow } from '../usage/close.js';
import { orderDigests } from './order-digest.js';
import { CLOSED_MESSAGE } from './provisioning.js';

const V1 = { CLM_MARKETPLACE_API: 'v1', CLM_V1_SKUS: 'SKU-V1' };

/** Seed 003's provisioning body, with a field the product configures. */
const v1Body = (overrides: Record<string, unknown> = {}) => ({
  resellerkey: 'RK-1',
  name: 'Jo Buyer',
  email: 'jo@customer.example',
  companyName: 'Acme',
  ...overrides,
});

describe('CLM_MARKETPLACE_API=v1', () => {
  it("provisions seed 003's body: 201 {coid}, the order keyed by the coid, usage and termination through /update-subscription/", async () => {
    const chain = await startOrdersChain({ env: V1 });
    const body = v1Body();
    const created = await chain.provision(body);
    expect([created.status, await created.json()]).toEqual([201, { coid: '1000' }]);
    expect(chain.provider.calls).toEqual([{ body: JSON.stringify(body), signed: true }]);
    // The same request again (key order aside) is the marketplace repeating itself.
    const { email, ...rest } = body;
    const again = await chain.provision({ email, ...rest });
    expect([again.status, await again.json()]).toEqual([201, { coid: '1000' }]);
    expect(chain.provider.calls).toHaveLength(1);
    const id = '1000';
    expect(await chain.store.getOrder(id)).toMatchObject({
      customerId: '1000',
      productId: 0,
      productSkus: ['SKU-V1'],
    });
    const start = await chain.api('POST', '/api/billing/start', { provisioningId: id });
    expect([start.status, await start.json()]).toEqual([
      409,
      { error: 'the v1 API has no billing start: a v1 subscription bills from its order' },
    ]);
    await chain.api('POST', '/api/usage', {
      eventId: 'u-1',
      provisioningId: id,
      productSku: 'SKU-V1',
      quantity: 2.25,
    });
    const [line] = await chain.store.usageLines();
    await closePeriodNow(chain.store, chain.config.billing, {
      period: line?.period ?? 'none',
      now: Date.now(),
      early: true,
    });
    await chain.settled();
    expect(await chain.api('POST', `/api/subscriptions/${id}/terminate`)).toMatchObject({
      status: 202,
    });
    await chain.settled();
    // The day in the billing zone (America/Chicago by default), not in UTC.
    const today = new Date().toLocaleDateString('en-CA', { timeZone: 'America/Chicago' });
    expect(await chain.calls('update-subscription')).toEqual([
      { coid: '1000', expired: false, sku: 'SKU-V1', count: 2.25, providerkey: 'PK-1' },
      { coid: '1000', expired: true, 'expired-date': today, sku: 'SKU-V1', providerkey: 'PK-1' },
    ]);
    expect(await chain.calls('saas-usage')).toEqual([]);
    expect(await chain.calls('saas-usage-end')).toEqual([]);
    // The same details once that account is closed: not answered with the closed account.
    const closed = await chain.provision(body);
    expect([closed.status, await closed.json()]).toEqual([409, { error: CLOSED_MESSAGE }]);
    expect(chain.provider.calls).toHaveLength(1);
  });

  it('forwards a request with other details as another order', async () => {
    const chain = await startOrdersChain({ env: V1 });
    expect(await (await chain.provision(v1Body())).json()).toEqual({ coid: '1000' });
    const other = await chain.provision(v1Body({ email: 'sam@customer.example' }));
    expect([other.status, await other.json()]).toEqual([201, { coid: '1001' }]);
    expect(chain.provider.calls).toHaveLength(2);
  });

  it('answers repeats of a request the provider gave an existing coid from the store', async () => {
    const chain = await startOrdersChain({
      env: V1,
      answer: () => ({ status: 201, body: { customerId: 'acct-1' } }),
    });
    expect(await (await chain.provision(v1Body())).json()).toEqual({ coid: 'acct-1' });
    const other = v1Body({ email: 'sam@customer.example' });
    // The provider maps these details to the account it already has: that is the answer,
    // and this request's key is kept, so its repeats never reach the provider again.
    for (const _ of [1, 2, 3]) {
      const res = await chain.provision(other);
      expect([res.status, await res.json()]).toEqual([201, { coid: 'acct-1' }]);
    }
    expect(chain.provider.calls).toHaveLength(2);
    expect(await chain.store.listOrders()).toHaveLength(1);
  });

  it('refuses 409 when the provider answers with the coid of a terminated order, and keeps refusing without calling it', async () => {
    const chain = await startOrdersChain({
      env: V1,
      answer: () => ({ status: 201, body: { customerId: 'acct-1' } }),
    });
    await chain.provision(v1Body());
    await chain.api('POST', '/api/subscriptions/acct-1/terminate');
    const other = v1Body({ email: 'sam@customer.example' });
    for (const _ of [1, 2, 3]) {
      const res = await chain.provision(other);
      expect([res.status, await res.json()]).toEqual([409, { error: CLOSED_MESSAGE }]);
    }
    expect(chain.provider.calls).toHaveLength(2);
    const [failure] = await chain.store.listProvisioningFailures();
    expect(failure).toMatchObject({
      outcome: 'refused',
      status: 409,
      message:
        'the provider answered with the id of an existing order (order acct-1 is terminated): not placed',
    });
  });

  it('keeps the digest keyed by the database, and still recognises a repeat of an older order', async () => {
    const chain = await startOrdersChain({ env: V1 });
    const body = JSON.stringify(v1Body());
    const { digest, legacy } = orderDigests(body, await chain.store.requestDigestKey());
    // An order stored before digests were keyed: under the plain SHA-256 of its details.
    await chain.store.createOrder({
      provisioningId: 'acct-old',
      productId: 0,
      productSkus: ['SKU-V1'],
      customerId: 'acct-old',
      providerKey: 'PK-1',
      answer: { customerId: 'acct-old' },
      createdAt: 1,
      requestKey: `v1:${legacy}`,
      requestDigest: legacy,
    });
    const repeat = await chain.provision(body);
    expect([repeat.status, await repeat.json()]).toEqual([201, { coid: 'acct-old' }]);
    expect(chain.provider.calls).toEqual([]);
    // A new order's key and failures carry only the keyed digest, never the plain one.
    const other = JSON.stringify(v1Body({ email: 'sam@customer.example' }));
    await chain.provision(other);
    const keyed = orderDigests(other, await chain.store.requestDigestKey());
    const stored = await chain.store.claimProvisioning({
      requestKey: `v1:${keyed.digest}`,
      digest: keyed.digest,
      owner: 'test',
      now: Date.now(),
      leaseMs: 1000,
    });
    expect(stored).toMatchObject({ state: 'ordered', order: { customerId: '1000' } });
    expect(keyed.digest).not.toBe(keyed.legacy);
    expect(digest).not.toBe(legacy);
  });

  it('calls the provider once for concurrent identical requests', async () => {
    const chain = await startOrdersChain({
      env: V1,
      answer: () => ({ status: 201, body: { customerId: 'acct-9' }, delayMs: 150 }),
    });
    const answers = await Promise.all([1, 2, 3].map(() => chain.provision(v1Body())));
    const bodies = await Promise.all(answers.map((res) => res.json()));
    expect(answers.map((res) => res.status)).toEqual([201, 201, 201]);
    expect(bodies).toEqual([1, 2, 3].map(() => ({ coid: 'acct-9' })));
    expect(chain.provider.calls).toHaveLength(1);
  });

  it.each([
    ['no resellerkey', { resellerkey: undefined }, 'resellerkey is required'],
    ['no name', { name: undefined }, 'name is required'],
    ['an empty email', { email: '' }, 'email must not be empty'],
    ['a numeric name', { name: 7 }, 'name must be a string'],
  ])('answers 400 to %s, nothing forwarded', async (_name, change, error) => {
    const chain = await startOrdersChain({ env: V1 });
    const res = await chain.provision(v1Body(change));
    expect([res.status, await res.json()]).toEqual([
      400,
      { error: `The order is invalid: ${error}.` },
    ]);
    expect(chain.provider.calls).toEqual([]);
  });

  it('refuses to start without the SKUs v1 orders subscribe to', () => {
    const env = {
      ONRAMP_BASE_URL: 'http://127.0.0.1:9',
      CLM_PARTNER_KEYS: 'PK-1',
      CLM_PROVISION_TOKEN: 'provision-token-0123456789',
      CLM_PROVISION_FORWARD_URL: 'http://127.0.0.1:9/accounts',
      CLM_PROVISION_FORWARD_SECRET: 'forward-secret-0123456789',
      CLM_MARKETPLACE_API: 'v1',
    };
    expect(() => loadConfig(env)).toThrow(/CLM_V1_SKUS/);
    expect(loadConfig({ ...env, CLM_V1_SKUS: 'SKU-A, SKU-B' }).marketplace.v1Skus).toEqual([
      'SKU-A',
      'SKU-B',
    ]);
  });
});

describe('v1 expired-date', () => {
  it('in a zone east of Chicago is already the next day, and the marketplace takes it', async () => {
    // 00:30 on Feb 1 in Berlin is 17:30 on Jan 31 in Chicago.
    const clock = { now: () => Date.parse('2027-01-31T23:30:00Z') };
    const env = { ...V1, CLM_BILLING_TZ: 'Europe/Berlin' };
    const chain = await startOrdersChain({ env, clock });
    const created = await chain.provision(v1Body());
    const { coid } = (await created.json()) as { coid: string };
    const ended = await chain.api('POST', `/api/subscriptions/${coid}/terminate`);
    expect(ended.status).toBe(202);
    await chain.settled();
    expect(await chain.calls('update-subscription')).toEqual([
      expect.objectContaining({ expired: true, 'expired-date': '2027-02-01' }),
    ]);
  });

  it('is the day of the termination in CLM_BILLING_TZ, not in UTC', async () => {
    // 23:30 in Chicago on Jan 31, already Feb 1 in UTC.
    const clock = { now: () => Date.parse('2027-02-01T05:30:00Z') };
    const env = { ...V1, CLM_BILLING_TZ: 'America/Chicago' };
    const chain = await startOrdersChain({ env, clock });
    const created = await chain.provision(v1Body());
    const { coid } = (await created.json()) as { coid: string };
    expect(created.status).toBe(201);
    const ended = await chain.api('POST', `/api/subscriptions/${coid}/terminate`);
    expect(ended.status).toBe(202);
    await chain.settled();
    expect(await chain.calls('update-subscription')).toEqual([
      expect.objectContaining({ expired: true, 'expired-date': '2027-01-31' }),
    ]);
  });
});

describe('provider answers about the request itself', () => {
  it.each([401, 403, 404])(
    'a %s is not shown to the buyer: 502, recorded as a set-up failure',
    async (status) => {
      const chain = await startOrdersChain({
        answer: () => ({ status, body: { message: 'bad signature' } }),
      });
      const res = await chain.provision(provisionBody());
      expect(res.status).toBe(502);
      expect(await res.text()).not.toContain('bad signature');
      const [failure] = await chain.store.listProvisioningFailures();
      expect(failure).toMatchObject({ outcome: 'failed', status });
      expect(failure?.message).toMatch(
        /check CLM_PROVISION_FORWARD_URL and CLM_PROVISION_FORWARD_SECRET/,
      );
    },
  );
});
