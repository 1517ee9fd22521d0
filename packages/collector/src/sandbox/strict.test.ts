import { describe, expect, it } from 'vitest';
import { booksSandbox, CALL, KEY, ORDER } from '../test-support/sandbox-books.js';

const START_INVALID =
  'Invalid Input - provisioningId, customerId, providerKey, productId, and productSkus required.  productId must be an integer';
const USAGE_INVALID =
  'Invalid Input - provisioningId, customerId, providerKey, productId, and productSku required.  productId must be an integer and usageCount must be a number (float | decimal | integer)';
const END_INVALID =
  'Invalid Input - provisioningId, customerId, providerKey, productId, and productSkus required.';

describe('the sandbox refuses what the marketplace would, across calls', () => {
  it('refuses every provider call about an order it never provisioned, recording none', async () => {
    const s = await booksSandbox();
    const answers = [
      await s.start(['SKU-SEATS']),
      await s.usage('SKU-SEATS', '1'),
      await s.end(['SKU-SEATS']),
    ];
    const detail = `provisioningId ${ORDER.provisioningId} is not an order this marketplace provisioned`;
    expect(await Promise.all(answers.map(async (r) => [r.status, await r.json()]))).toEqual([
      [400, { error: START_INVALID, detail }],
      [400, { error: USAGE_INVALID, detail }],
      [400, { error: END_INVALID, detail }],
    ]);
    expect(await (await fetch(`${s.url}/_sandbox/calls`)).json()).toEqual([]);
    expect(await (await fetch(`${s.url}/_sandbox/stats`)).json()).toMatchObject({ rejected: 3 });
  });

  it.each([
    ['another providerKey', { providerKey: 'PK-OTHER' }, 'providerKey is not this provider’s key'],
    ['another customer', { customerId: '999' }, 'customerId is not this order’s customer'],
    ['another product', { productId: 124 }, 'productId is not this order’s product'],
    ['a SKU not ordered', { productSku: 'SKU-OTHER' }, 'SKU-OTHER is not a SKU of this order'],
  ])('refuses usage with %s, the ledger unchanged', async (_name, fields, detail) => {
    const s = await booksSandbox();
    expect((await s.register()).status).toBe(201);
    const res = await s.usage('SKU-SEATS', '5', fields);
    expect([res.status, await res.json()]).toEqual([400, { error: USAGE_INVALID, detail }]);
    expect(await s.ledger()).toEqual([]);
  });

  it('refuses usage and a start after the SKU’s end, but takes a repeated end', async () => {
    const s = await booksSandbox();
    await s.register();
    expect((await s.end(['SKU-SEATS'])).status).toBe(200);
    const usage = await s.usage('SKU-SEATS', '1');
    expect([usage.status, await usage.json()]).toEqual([
      400,
      { error: USAGE_INVALID, detail: 'SKU-SEATS has ended for this order' },
    ]);
    const start = await s.start(['SKU-GB', 'SKU-SEATS']);
    expect([start.status, await start.json()]).toEqual([
      400,
      { error: START_INVALID, detail: 'SKU-SEATS has ended for this order' },
    ]);
    // Refused as a whole: SKU-GB did not start either.
    expect((await s.ledger()).map((l) => [l.productSku, l.billingStartedAt])).toEqual([
      ['SKU-SEATS', null],
    ]);
    expect((await s.end(['SKU-SEATS'])).status).toBe(200);
    expect((await s.usage('SKU-GB', '1')).status).toBe(200);
  });

  it('refuses every provider call when it knows no provider key', async () => {
    const s = await booksSandbox({ providerKey: undefined });
    await s.register();
    const res = await s.usage('SKU-SEATS', '1');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/knows no provider key/);
  });

  it('answers schema errors with the seed’s message too, the field named in detail', async () => {
    const s = await booksSandbox();
    const res = await s.post('/start-billing/', { ...CALL, productSkus: [], providerKey: KEY });
    expect([res.status, await res.json()]).toEqual([
      400,
      { error: START_INVALID, detail: 'productSkus must not be empty' },
    ]);
  });
});

describe('POST /_sandbox/orders', () => {
  it('registers an order once, the same again is 200, another under its id 409', async () => {
    const s = await booksSandbox();
    const first = await s.register();
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({
      ...ORDER,
      orderedAt: '2026-03-10T12:00:00.000Z',
      api: 'v2',
      skus: [
        { sku: 'SKU-SEATS', billingStart: 'manual', billingStartedAt: null, endedAt: null },
        { sku: 'SKU-GB', billingStart: 'manual', billingStartedAt: null, endedAt: null },
      ],
    });
    expect((await s.register()).status).toBe(200);
    const other = await s.register({ ...ORDER, customerId: '5678' });
    expect(other.status).toBe(409);
    expect((await (await fetch(`${s.url}/_sandbox/orders`)).json()) as unknown[]).toHaveLength(1);
  });

  it.each([
    [{ ...ORDER, productSkus: [] }, 'productSkus must not be empty'],
    [{ ...ORDER, customerId: undefined }, 'customerId is required'],
    [{ ...ORDER, provisioningId: undefined }, 'provisioningId is required'],
    [{ ...ORDER, productId: '123' }, 'productId must be an integer'],
    [{ ...ORDER, orderedAt: 'today' }, 'orderedAt must be an ISO-8601 date-time'],
    [{ ...ORDER, extra: 1 }, 'unexpected field(s): extra'],
  ])('refuses %j with 400', async (order, error) => {
    const s = await booksSandbox();
    const res = await s.register(order);
    expect([res.status, await res.json()]).toEqual([400, { error }]);
  });
});
