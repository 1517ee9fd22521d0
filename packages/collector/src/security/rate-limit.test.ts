import { describe, expect, it } from 'vitest';
import { postBeacon } from '../test-support/beacons.js';
import { startChain } from '../test-support/chain.js';
import { startTestCollector } from '../test-support/collector.js';

const post = (url: string, headers: Record<string, string> = {}) =>
  postBeacon(url, { type: 'visit' }, headers);

describe('beacon rate limit', () => {
  it('answers 429 with Retry-After past the per-client limit and stores nothing more', async () => {
    const { url, store } = await startTestCollector({ rateLimitPerMinute: 3 });
    for (let i = 0; i < 3; i++) expect((await post(url)).status).toBe(204);
    const preflight = await fetch(`${url}/beacon`, { method: 'OPTIONS' });
    expect(preflight.status, 'preflights are not counted').toBe(204);
    const limited = await post(url);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('ratelimit-policy')).toContain('q=3');
    expect(await limited.json()).toEqual({
      error: 'too many beacons from this address, retry later',
    });
    expect(await store.countEvents()).toBe(3);
  });

  it("never lets a burst of visits cost a new customer's purchase", async () => {
    const { url, store } = await startTestCollector({ rateLimitPerMinute: 3 });
    for (let i = 0; i < 3; i++) expect((await post(url)).status).toBe(204);
    expect((await post(url)).status).toBe(429);
    const purchase = await postBeacon(url, { customerId: 'cust-after-burst' });
    expect(purchase.status).toBe(204);
    expect(await store.listRelays()).toMatchObject([{ customerId: 'cust-after-burst' }]);
  });

  it('counts refused beacons against the visit budget', async () => {
    const { url } = await startTestCollector({ rateLimitPerMinute: 2 });
    const junk = () =>
      fetch(`${url}/beacon`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: '{',
      });
    expect([(await junk()).status, (await junk()).status, (await junk()).status]).toEqual([
      400, 400, 429,
    ]);
  });

  it('gives purchases a budget of their own (CLM_PURCHASE_RATE_LIMIT_PER_MINUTE)', async () => {
    const chain = await startChain({}, { CLM_PURCHASE_RATE_LIMIT_PER_MINUTE: '2' });
    const statuses = await chain.purchases(['p-1', 'p-2', 'p-3']);
    expect(statuses.sort()).toEqual([204, 204, 429]);
  });

  it('ignores X-Forwarded-For unless proxies are trusted', async () => {
    const { url } = await startTestCollector({ rateLimitPerMinute: 2 });
    const statuses = [];
    for (const ip of ['203.0.113.1', '203.0.113.2', '203.0.113.3'])
      statuses.push((await post(url, { 'x-forwarded-for': ip })).status);
    expect(statuses).toEqual([204, 204, 429]);
  });

  it('limits each forwarded client separately behind a trusted proxy', async () => {
    const { url } = await startTestCollector({ rateLimitPerMinute: 2, trustProxy: ['loopback'] });
    const statuses = [];
    for (const ip of ['203.0.113.1', '203.0.113.1', '203.0.113.1', '203.0.113.2'])
      statuses.push((await post(url, { 'x-forwarded-for': ip })).status);
    expect(statuses).toEqual([204, 204, 429, 204]);
  });
});

describe('token guess limit', () => {
  const ADMIN = 'admin-token-0123456789';
  const API = 'api-token-0123456789';
  const get = (url: string, token: string) =>
    fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });

  it('stops wrong bearer tokens after 10 a minute, across routes, never the right one', async () => {
    const { url } = await startTestCollector({ adminToken: ADMIN, apiToken: API });
    // Right tokens do not use up the budget.
    for (let i = 0; i < 15; i++) expect((await get(url, ADMIN)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await get(url, `wrong-${i}`)).status).toBe(401);
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${url}/api/purchases`, {
        method: 'POST',
        headers: { authorization: `Bearer nope-${i}`, 'content-type': 'application/json' },
        body: '{"customerId":"c"}',
      });
      expect(res.status).toBe(401);
    }
    const limited = await fetch(`${url}/admin/api/summary`, {
      headers: { authorization: 'Bearer one-more-guess' },
    });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({
      error: 'too many refused tokens from this address, retry in a minute',
    });
    // The right token still works from that address: only wrong ones are refused.
    expect((await get(url, ADMIN)).status).toBe(200);
    expect((await get(url, ADMIN)).headers.get('retry-after')).toBeNull();
    expect((await get(url, 'wrong-again')).status).toBe(429);
    const api = await fetch(`${url}/api/purchases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API}`, 'content-type': 'application/json' },
      body: '{"customerId":"c","serviceName":"acme-crm","partnerKey":"PK-1"}',
    });
    expect(api.status).toBe(202);
  });
});
