import { describe, expect, it } from 'vitest';
import { listen, postJson } from '../test-support/http.js';
import { createSandboxApp } from './app.js';

// The example payloads of seed 002, verbatim.
const startBilling = {
  providerKey: 'SOME-UNIQUE-IDENTIFIER',
  customerId: '1234',
  provisioningId: '9ddz0a5e-f2d5-6eb5-89b9-7a42d0fbb836',
  productId: 123,
  productSkus: ['MRKTPLC-PROVIDER-NAME-PRODCT-NAME-1', 'MRKTPLC-PROVIDER-NAME-PRODCT-NAME-2'],
};
const usage = {
  providerKey: 'SOME-UNIQUE-IDENTIFIER',
  customerId: '1234',
  provisioningId: '9ddz0a5e-f2d5-6eb5-89b9-7a42d0fbb836',
  productSku: 'MRKTPLC-PROVIDER-NAME-PRODCT-NAME',
  productId: 123,
  usageCount: 100.5,
};
const usageEnd = {
  providerKey: 'SOME-UNIQUE-IDENTIFIER',
  customerId: '1234',
  provisioningId: '9ddz0a5e-f2d5-6eb5-89b9-7a42d0fbb836',
  productSkus: ['MRKTPLC-PROVIDER-NAME-PRODUCT-NAME', 'MRKTPLC-PROVIDER-NAME-SECOND-PRODUCT'],
  productId: 123,
};
const tracking = {
  partnerKey: 'PK-1',
  serviceName: 'acme-crm',
  customerId: 'cust-1',
  purchasedAt: '2025-01-01T00:00:00.000Z',
};

const PATHS = {
  SaasTrackings: '/api/SaasTrackings',
  'start-billing': '/start-billing/',
  'saas-usage': '/saas-usage/',
  'saas-usage-end': '/saas-usage/end',
} as const;
const EXAMPLES = {
  SaasTrackings: tracking,
  'start-billing': startBilling,
  'saas-usage': usage,
  'saas-usage-end': usageEnd,
} as const;
type Name = keyof typeof PATHS;

// The order the seed's examples are about, with every SKU they name.
const order = {
  provisioningId: startBilling.provisioningId,
  customerId: startBilling.customerId,
  productId: startBilling.productId,
  productSkus: [...startBilling.productSkus, usage.productSku, ...usageEnd.productSkus],
};

// Seed 002's 40x answers.
const INVALID = {
  'start-billing':
    'Invalid Input - provisioningId, customerId, providerKey, productId, and productSkus required.  productId must be an integer',
  'saas-usage':
    'Invalid Input - provisioningId, customerId, providerKey, productId, and productSku required.  productId must be an integer and usageCount must be a number (float | decimal | integer)',
  'saas-usage-end':
    'Invalid Input - provisioningId, customerId, providerKey, productId, and productSkus required.',
};

/** A sandbox that knows the seed's provider key and provisioned its example order. */
async function sandbox() {
  const url = await listen(createSandboxApp({ providerKey: startBilling.providerKey }));
  const get = async (path: string) => (await fetch(`${url}${path}`)).json();
  const register = async () => {
    const res = await postJson(`${url}/_sandbox/orders`, order);
    if (res.status !== 201) throw new Error(`order: ${res.status} ${await res.text()}`);
  };
  await register();
  return {
    register,
    url,
    call: (name: Name, body: unknown = EXAMPLES[name]) => postJson(`${url}${PATHS[name]}`, body),
    mode: (body: unknown) => postJson(`${url}/_sandbox/mode`, body),
    calls: (query = '') => get(`/_sandbox/calls${query}`),
    received: () => get('/_sandbox/received'),
    stats: () => get('/_sandbox/stats'),
  };
}

describe('sandbox SaaS v2 endpoints', () => {
  it.each([
    ['start-billing', '/start-billing/', 'billing started'],
    ['start-billing', '/start-billing', 'billing started'],
    ['saas-usage', '/saas-usage/', 'usage successfully added'],
    ['saas-usage', '/saas-usage', 'usage successfully added'],
    ['saas-usage-end', '/saas-usage/end', 'termination notification received'],
    ['saas-usage-end', '/saas-usage/end/', 'termination notification received'],
  ] as const)('%s accepts the seed example at %s and records it', async (name, path, status) => {
    const s = await sandbox();
    const res = await postJson(`${s.url}${path}`, EXAMPLES[name]);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ id: 1, status });
    expect(await s.calls()).toEqual([
      { id: 1, endpoint: name, receivedAt: expect.any(String), body: EXAMPLES[name] },
    ]);
    // `received` stays what it always was: SaasTrackings only.
    expect(await s.received()).toEqual([]);
    expect(await s.stats()).toMatchObject({ accepted: 1, rejected: 0 });
  });

  it.each([0, 3, 0.1, -2.5, 1e6])('saas-usage accepts usageCount %s', async (usageCount) => {
    const s = await sandbox();
    expect((await s.call('saas-usage', { ...usage, usageCount })).status).toBe(200);
  });

  it.each([
    ['start-billing', { ...startBilling, customerId: undefined }, 'customerId is required'],
    ['start-billing', { ...startBilling, providerKey: '' }, 'providerKey must not be empty'],
    ['start-billing', { ...startBilling, provisioningId: 7 }, 'provisioningId must be a string'],
    ['start-billing', { ...startBilling, productId: '123' }, 'productId must be an integer'],
    ['start-billing', { ...startBilling, productId: 1.5 }, 'productId must be an integer'],
    ['start-billing', { ...startBilling, productId: undefined }, 'productId is required'],
    ['start-billing', { ...startBilling, productSkus: [] }, 'productSkus must not be empty'],
    ['start-billing', { ...startBilling, productSkus: 'SKU-1' }, 'productSkus must be an array'],
    [
      'start-billing',
      { ...startBilling, productSkus: [1] },
      'productSkus must contain only strings',
    ],
    [
      'start-billing',
      { ...startBilling, productSkus: ['SKU-1', ''] },
      'productSkus must not contain an empty SKU',
    ],
    ['start-billing', { ...startBilling, extra: 1 }, 'unexpected field(s): extra'],
    ['start-billing', [startBilling], 'body must be a JSON object'],
    [
      'start-billing',
      { ...startBilling, customerId: undefined, customerid: '1234' },
      'customerId is required',
    ],
    ['saas-usage', { ...usage, usageCount: '1' }, 'usageCount must be a number'],
    ['saas-usage', { ...usage, usageCount: undefined }, 'usageCount is required'],
    ['saas-usage', { ...usage, usageCount: null }, 'usageCount must be a number'],
    ['saas-usage', { ...usage, productId: '123' }, 'productId must be an integer'],
    ['saas-usage', { ...usage, productId: 1.5 }, 'productId must be an integer'],
    ['saas-usage', { ...usage, productSku: undefined }, 'productSku is required'],
    ['saas-usage', { ...usage, productSkus: ['x'] }, 'unexpected field(s): productSkus'],
    ['saas-usage-end', { ...usageEnd, productSkus: undefined }, 'productSkus is required'],
    ['saas-usage-end', { ...usageEnd, productSkus: [] }, 'productSkus must not be empty'],
    ['saas-usage-end', { ...usageEnd, productSkus: 'SKU-1' }, 'productSkus must be an array'],
    ['saas-usage-end', { ...usageEnd, productId: '123' }, 'productId must be an integer'],
    ['saas-usage-end', { ...usageEnd, usageCount: 1 }, 'unexpected field(s): usageCount'],
  ] as const)('%s answers 400 to %j naming the field', async (name, body, detail) => {
    const s = await sandbox();
    const res = await s.call(name, body);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: INVALID[name], detail });
    expect(await s.calls()).toEqual([]);
    expect(await s.stats()).toMatchObject({ accepted: 0, rejected: 1 });
  });

  it('answers 400 to bad JSON and 415 to another content type, counting both', async () => {
    const s = await sandbox();
    const post = (headers: Record<string, string>, body: string) =>
      fetch(`${s.url}/start-billing/`, { method: 'POST', headers, body });
    const bad = await post({ 'content-type': 'application/json' }, '{');
    expect([bad.status, await bad.json()]).toEqual([400, { error: 'body is not valid JSON' }]);
    const text = await post({ 'content-type': 'text/plain' }, JSON.stringify(startBilling));
    expect([text.status, await text.json()]).toEqual([
      415,
      { error: 'Content-Type must be application/json' },
    ]);
    expect(await s.stats()).toMatchObject({ accepted: 0, rejected: 2 });
    expect(await s.calls()).toEqual([]);
  });
});

describe('sandbox modes across endpoints', () => {
  it('applies a mode without endpoint to every endpoint, counting down across them', async () => {
    const s = await sandbox();
    await s.mode({ mode: 'reject', count: 3 });
    const answers = [];
    for (const name of ['start-billing', 'saas-usage', 'saas-usage-end'] as const) {
      const res = await s.call(name);
      answers.push([res.status, ((await res.json()) as { error: string }).error]);
    }
    expect(answers).toEqual([
      [400, 'sandbox reject mode: start-billing refused'],
      [400, 'sandbox reject mode: usage refused'],
      [400, 'sandbox reject mode: termination refused'],
    ]);
    expect((await s.call('SaasTrackings')).status).toBe(200);
    expect(await s.stats()).toMatchObject({ accepted: 1, rejected: 3, mode: { mode: 'ok' } });
  });

  it('fails only the endpoint a mode names, counting only its calls', async () => {
    const s = await sandbox();
    const set = await s.mode({ mode: 'fail', status: 500, count: 1, endpoint: 'saas-usage' });
    expect(set.status).toBe(200);
    expect((await s.call('SaasTrackings')).status).toBe(200);
    expect((await s.call('start-billing')).status).toBe(200);
    expect((await s.call('saas-usage-end')).status).toBe(200);
    expect(await s.stats()).toMatchObject({ mode: { mode: 'fail', endpoint: 'saas-usage' } });
    const failed = await s.call('saas-usage');
    expect([failed.status, await failed.json()]).toEqual([
      500,
      { error: 'sandbox failure mode (500)' },
    ]);
    expect((await s.call('saas-usage')).status).toBe(200);
    expect(await s.stats()).toMatchObject({ accepted: 4, failed: 1, mode: { mode: 'ok' } });
  });

  it('stalls one endpoint until the mode changes', async () => {
    const s = await sandbox();
    await s.mode({ mode: 'stall', endpoint: 'saas-usage-end' });
    const stalled = s.call('saas-usage-end');
    await expect.poll(async () => (await s.stats()).stalled).toBe(1);
    expect((await s.call('start-billing')).status).toBe(200);
    await s.mode({ mode: 'ok' });
    expect((await stalled).status).toBe(503);
  });

  it('redirects to the called path by default', async () => {
    const s = await sandbox();
    await s.mode({ mode: 'redirect', count: 1 });
    const moved = await fetch(`${s.url}/start-billing/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(startBilling),
      redirect: 'manual',
    });
    expect([moved.status, moved.headers.get('location')]).toEqual([
      307,
      'http://127.0.0.1:9/start-billing/',
    ]);
  });

  it('refuses an unknown endpoint in a mode', async () => {
    const s = await sandbox();
    const res = await s.mode({ mode: 'fail', endpoint: 'saas-usages' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^endpoint: /);
  });
});

describe('GET /_sandbox/calls', () => {
  it('lists every accepted call, filters by endpoint, refuses unknown ones, and resets', async () => {
    const s = await sandbox();
    for (const name of ['SaasTrackings', 'start-billing', 'saas-usage', 'saas-usage-end'] as const)
      expect((await s.call(name)).status).toBe(200);
    expect((await s.call('saas-usage', { ...usage, usageCount: 2 })).status).toBe(200);

    const all = (await s.calls()) as { id: number; endpoint: string }[];
    expect(all.map(({ id, endpoint }) => [id, endpoint])).toEqual([
      [1, 'SaasTrackings'],
      [2, 'start-billing'],
      [3, 'saas-usage'],
      [4, 'saas-usage-end'],
      [5, 'saas-usage'],
    ]);
    expect(await s.calls('?endpoint=start-billing')).toEqual([
      { id: 2, endpoint: 'start-billing', receivedAt: expect.any(String), body: startBilling },
    ]);
    expect(await s.calls('?endpoint=saas-usage')).toMatchObject([
      { id: 3, body: usage },
      { id: 5, body: { ...usage, usageCount: 2 } },
    ]);
    expect(await s.received()).toEqual([{ id: 1, receivedAt: expect.any(String), body: tracking }]);

    const unknown = await fetch(`${s.url}/_sandbox/calls?endpoint=saas-usages`);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: string }).error).toBe(
      'endpoint must be one of SaasTrackings, start-billing, saas-usage, saas-usage-end, update-subscription',
    );

    expect((await fetch(`${s.url}/_sandbox/reset`, { method: 'POST' })).status).toBe(204);
    expect(await s.calls()).toEqual([]);
    // The books are reset too: the order is unknown until provisioned again.
    expect((await s.call('start-billing')).status).toBe(400);
    await s.register();
    expect((await s.call('start-billing')).status).toBe(200);
    expect(await s.calls()).toMatchObject([{ id: 1, endpoint: 'start-billing' }]);
  });
});
