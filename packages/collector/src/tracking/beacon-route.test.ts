import { describe, expect, it } from 'vitest';
import { type BeaconFields, beacon } from '../test-support/beacons.js';
import { captureLogger } from '../test-support/chain.js';
import { startTestCollector } from '../test-support/collector.js';

const purchase = (overrides: BeaconFields = {}) =>
  beacon({
    ref: { id: 'r-1', at: 1_700_000_000_000, utm: { source: 'marketplace' } },
    time: 1_700_000_000_500,
    ...overrides,
  });

const post = (
  url: string,
  body: string,
  headers: Record<string, string> = { 'content-type': 'text/plain;charset=UTF-8' },
) => fetch(`${url}/beacon`, { method: 'POST', headers, body });

describe('POST /beacon', () => {
  it('stores a purchase and its relay before answering 204', async () => {
    const { url, store, relay } = await startTestCollector();
    const beacon = purchase();
    const res = await post(url, JSON.stringify(beacon));
    expect(res.status).toBe(204);
    expect(await store.countEvents()).toBe(1);
    expect(await store.listRelays()).toMatchObject([
      {
        kind: 'saas_tracking',
        status: 'pending',
        payload: {
          partnerKey: 'PK-1',
          serviceName: 'acme-crm',
          customerId: 'cust-1',
          purchasedAt: '2025-03-01T12:00:00.000Z',
        },
      },
    ]);
    expect(relay.notified).toBe(1);
  });

  it('accepts application/json and stores visits without a relay', async () => {
    const { url, store, relay } = await startTestCollector();
    const visit = { ...purchase({ type: 'visit' }), customerId: undefined };
    const res = await post(url, JSON.stringify(visit), { 'content-type': 'application/json' });
    expect(res.status).toBe(204);
    expect(await store.countEvents()).toBe(1);
    expect(await store.listRelays()).toEqual([]);
    expect(relay.notified).toBe(0);
  });

  it('is idempotent per event id and relays once per customer', async () => {
    const { url, store } = await startTestCollector();
    const beacon = JSON.stringify(purchase());
    expect((await post(url, beacon)).status).toBe(204);
    expect((await post(url, beacon)).status).toBe(204);
    expect((await post(url, JSON.stringify(purchase({ ref: null })))).status).toBe(204);
    expect(await store.countEvents()).toBe(2);
    expect(await store.listRelays()).toHaveLength(1);
  });

  it.each([
    ['bad JSON', '{"v":1', 'body is not valid JSON'],
    [
      'a schema violation',
      JSON.stringify(purchase({ customerId: '' })),
      'customerId: must not be empty',
    ],
    ['an unknown field', JSON.stringify(purchase({ extra: true })), 'Unrecognized key: "extra"'],
  ])('answers 400 to %s', async (_name, body, error) => {
    const { url, store } = await startTestCollector();
    const res = await post(url, body);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error });
    expect(await store.countEvents()).toBe(0);
  });

  it('answers 413 above 8 KB', async () => {
    const { url, store } = await startTestCollector();
    const res = await post(url, JSON.stringify(purchase({ customerId: 'x'.repeat(9000) })));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: 'beacon too large' });
    expect(await store.countEvents()).toBe(0);
  });

  it.each([
    ['application/x-www-form-urlencoded'],
    ['multipart/form-data; boundary=x'],
    [''],
    ['text/plain; charset=utf-16le'],
    ['application/json; charset=utf-7'],
  ])('answers 415 to content type %j', async (type) => {
    const { url } = await startTestCollector();
    const headers: Record<string, string> = type ? { 'content-type': type } : {};
    const res = await fetch(`${url}/beacon`, {
      method: 'POST',
      headers,
      body: new Uint8Array(Buffer.from(JSON.stringify(purchase()))),
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({
      error: 'Content-Type must be text/plain or application/json, in UTF-8',
    });
  });

  it('answers 403 to a provider key it does not relay for', async () => {
    const { url, store } = await startTestCollector();
    const res = await post(url, JSON.stringify(purchase({ key: 'PK-OTHER' })));
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'unknown provider key' });
    expect(await store.countEvents()).toBe(0);
  });

  it('answers 403 to an origin outside CLM_ALLOWED_ORIGINS', async () => {
    const { url, store } = await startTestCollector({
      allowedOrigins: ['https://www.acme.example'],
    });
    const res = await post(url, JSON.stringify(purchase()), {
      'content-type': 'text/plain',
      origin: 'https://evil.example',
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'origin not allowed' });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const viaReferer = await post(url, JSON.stringify(purchase()), {
      'content-type': 'text/plain',
      referer: 'https://evil.example/signup',
    });
    expect(viaReferer.status).toBe(403);
    expect(await store.countEvents()).toBe(0);
  });

  it.each([
    ['no Origin, Referer or Sec-Fetch-Site (a non-browser client)', {}],
    ['a cross-site request without Origin or Referer', { 'sec-fetch-site': 'cross-site' }],
    ['a cross-site request with Origin: null', { origin: 'null', 'sec-fetch-site': 'cross-site' }],
    // A sibling subdomain is same-site, but the allow-list names exact origins.
    [
      'a same-site request whose origin is hidden',
      { origin: 'null', 'sec-fetch-site': 'same-site' },
    ],
    ['a typed-in URL', { 'sec-fetch-site': 'none' }],
    ['Origin: null and nothing else', { origin: 'null' }],
  ])('with an allow-list, answers 403 to %s', async (_name, headers: Record<string, string>) => {
    const { url, store } = await startTestCollector({
      allowedOrigins: ['https://www.acme.example'],
    });
    const res = await post(url, JSON.stringify(purchase()), {
      'content-type': 'text/plain',
      ...headers,
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'origin not allowed' });
    expect(await store.countEvents()).toBe(0);
  });

  it("with an allow-list, accepts a page on the collector's own origin that hides its origin", async () => {
    const { url, store } = await startTestCollector({
      allowedOrigins: ['https://www.acme.example'],
    });
    const res = await post(url, JSON.stringify(purchase()), {
      'content-type': 'text/plain',
      origin: 'null',
      'sec-fetch-site': 'same-origin',
    });
    expect(res.status).toBe(204);
    expect(await store.countEvents()).toBe(1);
  });

  it('without an allow-list, accepts a client that sends no origin at all', async () => {
    const { url, store } = await startTestCollector();
    expect(
      (await post(url, JSON.stringify(purchase()), { 'content-type': 'text/plain' })).status,
    ).toBe(204);
    expect(await store.countEvents()).toBe(1);
  });

  it('echoes an allowed origin with Vary: Origin', async () => {
    const { url } = await startTestCollector({ allowedOrigins: ['https://www.acme.example'] });
    const res = await post(url, JSON.stringify(purchase()), {
      'content-type': 'text/plain',
      origin: 'https://www.acme.example',
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://www.acme.example');
    expect(res.headers.get('vary')).toMatch(/Origin/);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('echoes any origin when no allow-list is set, never *', async () => {
    const { url } = await startTestCollector();
    const res = await post(url, JSON.stringify(purchase()), {
      'content-type': 'text/plain',
      origin: 'http://localhost:5173',
    });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });
});

describe('OPTIONS /beacon', () => {
  it('answers a preflight from an allowed origin', async () => {
    const { url } = await startTestCollector({ allowedOrigins: ['https://www.acme.example'] });
    const res = await fetch(`${url}/beacon`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://www.acme.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(Object.fromEntries(res.headers)).toMatchObject({
      'access-control-allow-origin': 'https://www.acme.example',
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'Content-Type',
      'access-control-max-age': '86400',
    });
  });

  it('refuses a preflight from another origin', async () => {
    const { url } = await startTestCollector({ allowedOrigins: ['https://www.acme.example'] });
    const res = await fetch(`${url}/beacon`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('GET /beacon (the old image fallback)', () => {
  it.each([
    ['with an allow-list', ['https://www.acme.example']],
    ['without one', []],
  ])('is gone %s: 410, nothing stored or relayed', async (_name, allowedOrigins) => {
    const { url, store, relay } = await startTestCollector({ allowedOrigins });
    for (const headers of [{}, { referer: 'https://www.acme.example/signup' }]) {
      const res = await fetch(`${url}/beacon?d=${encodeURIComponent(JSON.stringify(purchase()))}`, {
        headers,
      });
      expect(res.status).toBe(410);
      expect((await res.json()).error).toMatch(/POST/);
    }
    expect(await store.countEvents()).toBe(0);
    expect(relay.notified).toBe(0);
  });
});

describe('referrals the collector cannot use', () => {
  it('keeps the purchase without its referral, logs why without personal data', async () => {
    const logger = captureLogger();
    const { url, store, relay } = await startTestCollector({ logger });
    const utm = Object.fromEntries([...'abcdefghijk'].map((key) => [key, 'secret-utm']));
    const beacon = purchase({ customerId: 'cust-private-9', ref: { id: 'r-1', at: 1, utm } });
    expect((await post(url, JSON.stringify(beacon))).status).toBe(204);
    expect(await store.listRelays()).toMatchObject([{ customerId: 'cust-private-9' }]);
    expect(relay.notified).toBe(1);
    const log = logger.lines.join('\n');
    expect(log).toContain('referral dropped (ref.utm: at most 10 utm entries)');
    for (const secret of ['cust-private-9', 'secret-utm']) expect(log).not.toContain(secret);
  });

  it('stores a cleaned customer id and referral, as the pixel would have sent them', async () => {
    const { url, store } = await startTestCollector();
    const beacon = purchase({
      customerId: '\u200bcust-10\u202e',
      ref: { id: 'r-1\u0007', at: 1, utm: { medium: 'a\nb' } },
    });
    expect((await post(url, JSON.stringify(beacon))).status).toBe(204);
    expect((await store.listRelays())[0]?.customerId).toBe('cust-10');
  });
});

describe('storage failure', () => {
  it('answers 503 and does not claim success', async () => {
    const { url, store } = await startTestCollector();
    await store.close();
    const res = await post(url, JSON.stringify(purchase()));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: 'storage unavailable, retry later' });
  });
});

describe('abuse', () => {
  it('changes nothing already relayed when a second purchase names another referral', async () => {
    const { url, store } = await startTestCollector();
    expect((await post(url, JSON.stringify(purchase({ customerId: 'cust-7' })))).status).toBe(204);
    const [first] = await store.listRelays();
    const other = purchase({ customerId: 'cust-7', ref: { id: 'r-attacker', at: 1, utm: {} } });
    expect((await post(url, JSON.stringify(other))).status).toBe(204);
    expect(await store.listRelays()).toEqual([first]);
  });

  it('never answers * or allows credentials, even for an allowed origin', async () => {
    const { url } = await startTestCollector({ allowedOrigins: ['https://www.acme.example'] });
    for (const method of ['OPTIONS', 'POST']) {
      const res = await fetch(`${url}/beacon`, {
        method,
        headers: {
          origin: 'https://www.acme.example',
          'content-type': 'text/plain',
          'access-control-request-method': 'POST',
          cookie: 'session=1',
        },
        ...(method === 'POST' && { body: JSON.stringify(purchase()) }),
      });
      expect(res.headers.get('access-control-allow-origin')).toBe('https://www.acme.example');
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('answers 413 to a chunked body over the limit without storing it', async () => {
    const { url, store } = await startTestCollector();
    const big = JSON.stringify(purchase({ customerId: 'x'.repeat(9000) }));
    const res = await fetch(`${url}/beacon`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: new Blob([big]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await store.countEvents()).toBe(0);
  });
});
