import { describe, expect, it } from 'vitest';
import { waitFor } from '../test-support/http.js';
import { provisionBody, startOrdersChain } from '../test-support/orders.js';

const SKUS = ['SKU-SEATS', 'SKU-STORAGE'];

async function orderedChain() {
  const chain = await startOrdersChain();
  const body = provisionBody({ productSkus: SKUS, productId: 77 });
  expect((await chain.provision(body)).status).toBe(200);
  return { chain, id: body.provisioningId };
}

describe('provider API on orders', () => {
  it('starts billing once per SKU with exactly the five fields', async () => {
    const { chain, id } = await orderedChain();
    const started = await chain.api('POST', '/api/billing/start', { provisioningId: id });
    expect(started.status).toBe(202);
    expect(await started.json()).toMatchObject({
      provisioningId: id,
      skus: [
        { sku: 'SKU-SEATS', result: 'queued', relayStatus: 'pending' },
        { sku: 'SKU-STORAGE', result: 'queued', relayStatus: 'pending' },
      ],
    });
    // A repeat, for one SKU or all, queues nothing more.
    const again = await chain.api('POST', '/api/billing/start', {
      provisioningId: id,
      productSkus: ['SKU-SEATS'],
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ skus: [{ sku: 'SKU-SEATS', result: 'unchanged' }] });
    await chain.settled();
    const calls = await chain.calls('start-billing');
    const expected = (sku: string) => ({
      providerKey: 'PK-1',
      customerId: '1000',
      provisioningId: id,
      productId: 77,
      productSkus: [sku],
    });
    expect(calls).toEqual([expected('SKU-SEATS'), expected('SKU-STORAGE')]);
    expect(calls.map((call) => Object.keys(call))).toEqual([
      ['providerKey', 'customerId', 'provisioningId', 'productId', 'productSkus'],
      ['providerKey', 'customerId', 'provisioningId', 'productId', 'productSkus'],
    ]);
    const view = await (await chain.api('GET', `/api/subscriptions/${id}`)).json();
    expect(view).toMatchObject({
      provisioningId: id,
      productId: 77,
      customerId: '1000',
      terminatedAt: null,
      answer: { customerId: '1000', plan: 'trial' },
      skus: [
        {
          sku: 'SKU-SEATS',
          billing: { state: 'delivered' },
          endedAt: null,
          end: { state: 'not-requested' },
        },
        {
          sku: 'SKU-STORAGE',
          billing: { state: 'delivered' },
          endedAt: null,
          end: { state: 'not-requested' },
        },
      ],
    });
  });

  it('terminates once per SKU with exactly the five fields; later calls are 409', async () => {
    const { chain, id } = await orderedChain();
    const partial = await chain.api('POST', `/api/subscriptions/${id}/terminate`, {
      productSkus: ['SKU-STORAGE'],
    });
    expect(partial.status).toBe(202);
    // No body: every SKU; the one already ended is left as it is.
    const rest = await chain.api('POST', `/api/subscriptions/${id}/terminate`);
    expect(rest.status).toBe(202);
    expect(await rest.json()).toMatchObject({
      skus: [
        { sku: 'SKU-SEATS', result: 'queued' },
        { sku: 'SKU-STORAGE', result: 'unchanged' },
      ],
    });
    expect((await chain.api('POST', `/api/subscriptions/${id}/terminate`, {})).status).toBe(409);
    const billing = await chain.api('POST', '/api/billing/start', { provisioningId: id });
    expect([billing.status, await billing.json()]).toEqual([
      409,
      { error: 'SKU "SKU-SEATS" is terminated' },
    ]);
    await chain.settled();
    const calls = await chain.calls('saas-usage-end');
    const expected = (sku: string) => ({
      providerKey: 'PK-1',
      customerId: '1000',
      provisioningId: id,
      productSkus: [sku],
      productId: 77,
    });
    expect(calls).toEqual([expected('SKU-STORAGE'), expected('SKU-SEATS')]);
    expect(Object.keys(calls[0] ?? {})).toEqual([
      'providerKey',
      'customerId',
      'provisioningId',
      'productSkus',
      'productId',
    ]);
    const view = await (await chain.api('GET', `/api/subscriptions/${id}`)).json();
    expect(view.terminatedAt).toEqual(expect.any(String));
    expect(await chain.calls('start-billing')).toEqual([]);
  });

  it('keeps a refused start-billing as a dead letter and retries a failing one', async () => {
    const { chain, id } = await orderedChain();
    await chain.mode({ mode: 'fail', status: 503, count: 2, endpoint: 'start-billing' });
    await chain.api('POST', '/api/billing/start', {
      provisioningId: id,
      productSkus: ['SKU-SEATS'],
    });
    await waitFor(async () => (await chain.calls('start-billing')).length === 1, {
      message: 'retried',
    });
    await chain.mode({ mode: 'reject', endpoint: 'start-billing' });
    await chain.api('POST', '/api/billing/start', {
      provisioningId: id,
      productSkus: ['SKU-STORAGE'],
    });
    await chain.settled();
    const view = await (await chain.api('GET', `/api/subscriptions/${id}`)).json();
    expect(view.skus).toMatchObject([
      { sku: 'SKU-SEATS', billing: { state: 'delivered' } },
      {
        sku: 'SKU-STORAGE',
        billing: { state: 'failed', error: 'HTTP 400: rejected by the onramp' },
      },
    ]);
  });

  it.each([
    ['an unknown order', 'GET', '/api/subscriptions/nope', undefined, 404],
    ['an unknown order to start', 'POST', '/api/billing/start', { provisioningId: 'nope' }, 404],
    ['an unknown order to end', 'POST', '/api/subscriptions/nope/terminate', {}, 404],
    ['no provisioningId', 'POST', '/api/billing/start', {}, 400],
    ['an extra field', 'POST', '/api/billing/start', { provisioningId: 'x', sku: 'A' }, 400],
    [
      'an empty SKU list',
      'POST',
      '/api/billing/start',
      { provisioningId: 'x', productSkus: [] },
      400,
    ],
  ])('answers %s with %s', async (_name, method, path, body, status) => {
    const chain = await startOrdersChain();
    const res = await chain.api(method, path, body);
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ error: expect.any(String) });
  });

  it('refuses a SKU the order does not have, and a request without the API token', async () => {
    const { chain, id } = await orderedChain();
    const res = await chain.api('POST', '/api/billing/start', {
      provisioningId: id,
      productSkus: ['SKU-OTHER'],
    });
    expect([res.status, await res.json()]).toEqual([
      400,
      { error: 'SKU "SKU-OTHER" is not part of this order' },
    ]);
    const anonymous = await fetch(`${chain.url}/api/subscriptions/${id}`);
    expect(anonymous.status).toBe(401);
    expect(await chain.store.listRelays()).toEqual([]);
  });
});
