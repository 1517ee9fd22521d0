import { describe, expect, it } from 'vitest';
import { provisionBody, startOrdersChain } from '../test-support/orders.js';
import { CONFLICT_MESSAGE } from './provisioning.js';

const conflict = { error: CONFLICT_MESSAGE };

describe('the same provisioningId with a different order', () => {
  it.each([
    ['other SKUs', { productSkus: ['MRKTPLC-ACME-CRM-SEATS', 'MRKTPLC-ACME-CRM-GB'] }],
    ['another product', { productId: 124 }],
    ['another form field value', { contactEmail: 'someone.else@customer.example' }],
    ['a form field more', { companyName: 'Acme' }],
  ])(
    'is refused with 409 after the first succeeded (%s), nothing forwarded',
    async (_name, change) => {
      const chain = await startOrdersChain();
      const body = provisionBody({ productSkus: ['MRKTPLC-ACME-CRM-SEATS'] });
      expect((await chain.provision(body)).status).toBe(200);
      const other = await chain.provision({ ...body, ...change });
      expect([other.status, await other.json()]).toEqual([409, conflict]);
      expect(chain.provider.calls).toHaveLength(1);
      // Recorded for the dashboard; the order is unchanged.
      expect(await chain.store.listProvisioningFailures()).toMatchObject([
        { provisioningId: body.provisioningId, outcome: 'refused', status: 409 },
      ]);
      expect(await chain.store.getOrder(body.provisioningId)).toMatchObject({
        productId: 123,
        productSkus: ['MRKTPLC-ACME-CRM-SEATS'],
      });
    },
  );

  it('answers an identical repeat whatever its key order, spacing or SKU order', async () => {
    const chain = await startOrdersChain();
    const body = provisionBody({ productSkus: ['SKU-A', 'SKU-B'], extra: { b: 1, a: [1, 2] } });
    const first = await chain.provision(body);
    const firstText = await first.text();
    const { provisioningId, productSkus, productId, contactEmail, userAlias } = body;
    const reordered = `{ "extra": {"a": [1, 2], "b": 1}, "userAlias": ${JSON.stringify(userAlias)},
      "contactEmail": ${JSON.stringify(contactEmail)}, "productId": ${productId},
      "productSkus": ${JSON.stringify([...productSkus].reverse())},
      "provisioningId": ${JSON.stringify(provisioningId)} }`;
    const again = await chain.provision(reordered);
    expect([again.status, await again.text()]).toEqual([200, firstText]);
    expect(chain.provider.calls).toHaveLength(1);
  });

  it('is refused with 409 while the first is still with the provider', async () => {
    const chain = await startOrdersChain({
      answer: () => ({ status: 200, body: { customerId: 'acct-1' }, delayMs: 300 }),
    });
    const body = provisionBody();
    const first = chain.provision(body);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const other = await chain.provision({ ...body, productId: 999 });
    expect([other.status, await other.json()]).toEqual([409, conflict]);
    expect((await first).status).toBe(200);
    expect(chain.provider.calls).toHaveLength(1);
  });

  it('may differ from an attempt that failed: the provider is asked again', async () => {
    const chain = await startOrdersChain({
      answer: (_call, index) =>
        index === 0 ? { status: 503, body: {} } : { status: 200, body: { customerId: 'acct-2' } },
    });
    const body = provisionBody();
    expect((await chain.provision(body)).status).toBe(502);
    const corrected = await chain.provision({ ...body, productId: 124 });
    expect([corrected.status, await corrected.json()]).toEqual([200, { customerId: 'acct-2' }]);
    expect(chain.provider.calls).toHaveLength(2);
  });
});
