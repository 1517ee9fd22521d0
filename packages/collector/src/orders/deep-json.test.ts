import { describe, expect, it } from 'vitest';
import { provisionBody, startOrdersChain } from '../test-support/orders.js';

// 6,000 levels of arrays: about 12 KB, well under every body limit, and deeper than
// lossless-json's recursive parser can go.
const deep = (levels = 6000) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const withDeep = (body: object) => `${JSON.stringify(body).slice(0, -1)},"extra":${deep()}}`;
const TOO_DEEP = 'it nests arrays or objects more than 1000 levels deep';

describe('JSON nested thousands of levels deep', () => {
  it('is a 400 a buyer can read for a provisioning body, nothing forwarded', async () => {
    const chain = await startOrdersChain();
    const res = await chain.provision(withDeep(provisionBody()));
    expect([res.status, await res.json()]).toEqual([
      400,
      { error: `The order could not be read (${TOO_DEEP}).` },
    ]);
    expect(chain.provider.calls).toEqual([]);
  });

  it('is a 400 for a v1 provisioning body too', async () => {
    const chain = await startOrdersChain({ env: { CLM_MARKETPLACE_API: 'v1', CLM_V1_SKUS: 'S' } });
    const res = await chain.provision(
      withDeep({ resellerkey: 'RK-1', name: 'Jo', email: 'jo@customer.example' }),
    );
    expect(res.status).toBe(400);
    expect(chain.provider.calls).toEqual([]);
  });

  it('is an unusable answer from the provider: 502, a failure recorded, no order', async () => {
    const chain = await startOrdersChain({
      answer: () => ({
        status: 200,
        body: withDeep({ customerId: 'c-1' }),
        contentType: 'application/json',
      }),
    });
    const body = provisionBody();
    const res = await chain.provision(body);
    expect(res.status).toBe(502);
    expect(await chain.store.getOrder(body.provisioningId)).toBeNull();
    const [failure] = await chain.store.listProvisioningFailures();
    expect(failure).toMatchObject({ outcome: 'failed', status: 200 });
    expect(failure?.message).toBe(`HTTP 200 without a JSON body: JSON not read: ${TOO_DEEP}`);
  });

  it('is a 400 for a usage body, nothing recorded', async () => {
    const chain = await startOrdersChain();
    const id = await chain.order({ productSkus: ['SKU-A'] });
    const event = { eventId: 'e-1', provisioningId: id, productSku: 'SKU-A', quantity: 1 };
    const res = await chain.api('POST', '/api/usage', withDeep(event));
    expect([res.status, await res.json()]).toEqual([
      400,
      { error: `body is not read: ${TOO_DEEP}` },
    ]);
    expect(await chain.store.usageLines()).toEqual([]);
  });
});
