import { describe, expect, it } from 'vitest';
import { CHAIN_TOKENS } from '../test-support/chain.js';
import { provisionBody, startOrdersChain } from '../test-support/orders.js';

describe('POST /marketplace/provision', () => {
  it('forwards the body byte for byte, signed, stores the order and answers customerId as a string', async () => {
    const chain = await startOrdersChain();
    const body = provisionBody({ extraFormField: { nested: true } });
    const raw = JSON.stringify(body);
    const res = await chain.provision(raw);
    expect(res.status).toBe(200);
    // The provider answered the number 1000; the marketplace must get a string.
    expect(await res.json()).toEqual({ customerId: '1000', plan: 'trial' });
    expect(chain.provider.calls).toEqual([{ body: raw, signed: true }]);
    // One SKU reads as one: "1 SKU", never "1 SKU(s)".
    expect(chain.logger.lines.join('\n')).toMatch(/provisioned: customer \w+, 1 SKU$/m);
    const order = await chain.store.getOrder(body.provisioningId);
    expect(order).toMatchObject({
      provisioningId: body.provisioningId,
      productId: 123,
      productSkus: ['MRKTPLC-ACME-CRM-SEATS'],
      customerId: '1000',
      providerKey: 'PK-1',
      terminatedAt: null,
    });
  });

  it('keeps the digits a provider wrote: a numeric customerId and big numbers it echoes', async () => {
    const written =
      '{"customerId": 9007199254740993, "quota": 12345678901234567890123, "price": 12.50, "seats": 3}';
    const chain = await startOrdersChain({
      answer: () => ({ status: 200, body: written, contentType: 'application/json' }),
    });
    const body = provisionBody();
    const expected =
      '{"customerId":"9007199254740993","quota":12345678901234567890123,"price":12.50,"seats":3}';
    const res = await chain.provision(body);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(expected);
    // The repeat is answered from the store, as exactly.
    expect(await (await chain.provision(body)).text()).toBe(expected);
    expect(chain.provider.calls).toHaveLength(1);
    expect(await chain.store.getOrder(body.provisioningId)).toMatchObject({
      customerId: '9007199254740993',
    });
    const view = await chain.api('GET', `/api/subscriptions/${body.provisioningId}`);
    expect(await view.text()).toContain(`"answer":${expected}`);
  });

  it.each([
    ['an exponent', '1e3'],
    ['a fraction', '12.50'],
    ['a fraction without trailing zero', '12.5'],
  ])(
    'refuses a numeric customerId written with %s as an unusable answer (502, recorded)',
    async (_name, id) => {
      const chain = await startOrdersChain({
        answer: () => ({
          status: 200,
          body: `{"customerId":${id}}`,
          contentType: 'application/json',
        }),
      });
      const body = provisionBody();
      expect((await chain.provision(body)).status).toBe(502);
      expect(await chain.store.getOrder(body.provisioningId)).toBeNull();
      const [failure] = await chain.store.listProvisioningFailures();
      expect(failure).toMatchObject({ outcome: 'failed', status: 200 });
      expect(failure?.message).toMatch(/without a customerId/);
    },
  );

  it('answers a repeat after success from the store, without calling the provider', async () => {
    const chain = await startOrdersChain();
    const body = provisionBody();
    const first = await (await chain.provision(body)).json();
    const again = await chain.provision(body);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(first);
    expect(chain.provider.calls).toHaveLength(1);
  });

  it('calls the provider once for concurrent repeats and gives each the same answer', async () => {
    const chain = await startOrdersChain({
      answer: () => ({ status: 200, body: { customerId: 'acct-9' }, delayMs: 150 }),
    });
    const body = provisionBody();
    const answers = await Promise.all([1, 2, 3].map(() => chain.provision(body)));
    expect(answers.map((res) => res.status)).toEqual([200, 200, 200]);
    const bodies = await Promise.all(answers.map((res) => res.json()));
    expect(bodies).toEqual([1, 2, 3].map(() => ({ customerId: 'acct-9' })));
    expect(chain.provider.calls).toHaveLength(1);
  });

  it('tries again after a failure, and only a 2xx creates the order', async () => {
    const chain = await startOrdersChain({
      answer: (_call, index) =>
        index === 0
          ? { status: 503, body: { error: 'database down, stack trace here' } }
          : { status: 201, body: { customerId: 'acct-2' } },
    });
    const body = provisionBody();
    const failed = await chain.provision(body);
    expect(failed.status).toBe(502);
    const generic = await failed.json();
    // The provider's 5xx body never reaches the buyer.
    expect(JSON.stringify(generic)).not.toContain('stack trace');
    expect(await chain.store.getOrder(body.provisioningId)).toBeNull();
    expect(await chain.store.listProvisioningFailures()).toMatchObject([
      { provisioningId: body.provisioningId, outcome: 'failed', status: 503 },
    ]);
    const retried = await chain.provision(body);
    expect([retried.status, await retried.json()]).toEqual([200, { customerId: 'acct-2' }]);
    expect(chain.provider.calls).toHaveLength(2);
  });

  it.each([
    [
      'JSON',
      { status: 400, body: { message: 'That alias is taken.' } },
      'application/json',
      '{"message":"That alias is taken."}',
    ],
    [
      'text',
      { status: 422, body: 'That alias is taken.', text: true },
      'text/plain',
      'That alias is taken.',
    ],
  ])(
    "passes the provider's 4xx %s message to the buyer with its status",
    async (_name, answer, type, text) => {
      const chain = await startOrdersChain({ answer: () => answer });
      const body = provisionBody();
      const res = await chain.provision(body);
      expect(res.status).toBe(answer.status);
      expect(res.headers.get('content-type')).toContain(type);
      expect(await res.text()).toBe(text);
      expect(await chain.store.getOrder(body.provisioningId)).toBeNull();
      expect(await chain.store.listProvisioningFailures()).toMatchObject([
        { outcome: 'refused', status: answer.status },
      ]);
    },
  );

  it.each([
    ['not JSON', '{"message": "That alias is'],
    ['empty', ''],
  ])(
    "answers a provider's 4xx with a JSON type and an unreadable body (%s) with its status and a plain message",
    async (_name, unreadable) => {
      const chain = await startOrdersChain({
        answer: () => ({ status: 422, body: unreadable, contentType: 'application/json' }),
      });
      const body = provisionBody();
      const res = await chain.provision(body);
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toContain('text/plain');
      expect(await res.text()).toBe('The provider refused the order (HTTP 422).');
      expect(await chain.store.listProvisioningFailures()).toMatchObject([
        { outcome: 'refused', status: 422, message: unreadable },
      ]);
    },
  );

  it.each([
    ['no customerId', { status: 200, body: { plan: 'trial' } }],
    ['an empty customerId', { status: 200, body: { customerId: ' ' } }],
    ['a customerId with a NUL', { status: 200, body: { customerId: 'acct\u00001' } }],
    ['a customerId with a line break', { status: 200, body: { customerId: 'acct\n1' } }],
    ['a customerId object', { status: 200, body: { customerId: { id: 1 } } }],
    ['a 3xx', { status: 302, body: {} }],
  ])('answers 502 when the provider answers %s', async (_name, answer) => {
    const chain = await startOrdersChain({ answer: () => answer });
    const body = provisionBody();
    expect((await chain.provision(body)).status).toBe(502);
    expect(await chain.store.getOrder(body.provisioningId)).toBeNull();
  });

  it('answers 502 when the provider is slower than CLM_PROVISION_TIMEOUT_MS or unreachable', async () => {
    const slow = await startOrdersChain({
      answer: () => ({ status: 200, body: { customerId: 'late' }, delayMs: 400 }),
      env: { CLM_PROVISION_TIMEOUT_MS: '100' },
    });
    expect((await slow.provision(provisionBody())).status).toBe(502);
    const down = await startOrdersChain({
      env: { CLM_PROVISION_FORWARD_URL: 'http://127.0.0.1:9/accounts' },
    });
    const res = await down.provision(provisionBody());
    expect(res.status).toBe(502);
    expect((await down.store.listProvisioningFailures())[0]?.message).toMatch(/could not reach/);
  });

  it('refuses a wrong or missing token with 401 and forwards nothing', async () => {
    const chain = await startOrdersChain();
    expect((await chain.provision(provisionBody(), 'wrong-token-0123456789')).status).toBe(401);
    expect((await chain.provision(provisionBody(), CHAIN_TOKENS.api)).status).toBe(401);
    const bare = await fetch(`${chain.url}/marketplace/provision`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(provisionBody()),
    });
    expect(bare.status).toBe(401);
    expect(chain.provider.calls).toEqual([]);
  });

  it.each([
    [
      'no provisioningId',
      { provisioningId: undefined },
      'The order is invalid: provisioningId is required.',
    ],
    [
      'an empty SKU list',
      { productSkus: [] },
      'The order is invalid: productSkus must list at least one SKU.',
    ],
    [
      'SKUs that are not a list',
      { productSkus: 'SKU-1' },
      'The order is invalid: productSkus must be a list of SKUs.',
    ],
    [
      'a SKU twice',
      { productSkus: ['A', 'A'] },
      'The order is invalid: productSkus must not list a SKU twice.',
    ],
    [
      'productId as a string',
      { productId: '123' },
      'The order is invalid: productId must be a number.',
    ],
    [
      'a fractional productId',
      { productId: 1.5 },
      'The order is invalid: productId must be a whole number.',
    ],
    [
      'a control character',
      { provisioningId: 'a\nb' },
      'The order is invalid: provisioningId must not contain control characters.',
    ],
  ])('answers 400 with a message a buyer can read for %s', async (_name, overrides, error) => {
    const chain = await startOrdersChain();
    const res = await chain.provision(provisionBody(overrides));
    expect([res.status, await res.json()]).toEqual([400, { error }]);
    expect(chain.provider.calls).toEqual([]);
  });

  it('answers 400 to invalid JSON, 415 to another type and 413 past the limit', async () => {
    const chain = await startOrdersChain();
    expect((await chain.provision('{')).status).toBe(400);
    expect((await chain.provision('[1]')).status).toBe(400);
    const text = await fetch(`${chain.url}/marketplace/provision`, {
      method: 'POST',
      headers: { authorization: 'Bearer chain-provision-token-0123', 'content-type': 'text/plain' },
      body: JSON.stringify(provisionBody()),
    });
    expect(text.status).toBe(415);
    const huge = await chain.provision(provisionBody({ notes: 'x'.repeat(70_000) }));
    expect(huge.status).toBe(413);
    expect(chain.provider.calls).toEqual([]);
  });

  it('never logs the body (personal data), only fingerprints', async () => {
    const chain = await startOrdersChain({
      answer: (_call, index) =>
        index === 0
          ? { status: 400, body: 'bad alias', text: true }
          : { status: 200, body: { customerId: 'cust-secret-77' } },
    });
    const body = provisionBody({ contactEmail: 'jo.private@customer.example' });
    await chain.provision(body);
    await chain.provision(body);
    const log = chain.logger.lines.join('\n');
    expect(log).toMatch(/provisioned/);
    for (const secret of ['jo.private', body.provisioningId, 'cust-secret-77', 'ABCD']) {
      expect(log).not.toContain(secret);
    }
  });

  it('answers 403 while provisioning is not configured', async () => {
    const chain = await startOrdersChain({ env: { CLM_PROVISION_TOKEN: '' } });
    const res = await chain.provision(provisionBody());
    expect(res.status).toBe(403);
    expect(chain.provider.calls).toEqual([]);
  });
});
