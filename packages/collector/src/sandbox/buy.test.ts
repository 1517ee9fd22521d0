import type { Response as ExpressResponse } from 'express';
import { describe, expect, it } from 'vitest';
import {
  closedPortUrl,
  order,
  provider,
  SEED_002_FIELDS,
  sandbox,
  withProvider,
} from '../test-support/sandbox-buy.js';
import { createSandboxApp } from './app.js';

const GENERIC = 'The provider could not complete your order. Please try again later.';
const buyerError = (html: string) => /<p id="buyer-error"[^>]*>([^<]*)<\/p>/.exec(html)?.[1];

describe('marketplace Buy', () => {
  it('sends the seed’s provisioning request and shows the order complete', async () => {
    const { p, s } = await withProvider((res) => res.json({ customerId: 4242, plan: 'gold' }));
    const res = await s.buy();
    expect(res.status).toBe(200);
    expect(p.requests).toHaveLength(1);
    const [sent] = p.requests;
    expect(sent?.method).toBe('POST');
    expect(sent?.headers.authorization).toBe('Bearer tok-secret-1');
    expect(sent?.headers['content-type']).toBe('application/json');
    const body = JSON.parse(sent?.body ?? '') as { provisioningId: string };
    expect(Object.keys(body)).toEqual(SEED_002_FIELDS);
    expect(body).toEqual({
      provisioningId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/),
      productSkus: ['MRKTPLC-A', 'MRKTPLC-B'],
      productId: 123,
      contactEmail: 'buyer@customer.example',
      userAlias: 'ABCD',
    });

    const html = await res.text();
    expect(html).toContain('<h1>Order complete</h1>');
    expect(html).toContain('<strong id="customer-id">4242</strong>');
    expect(html).toContain(`<code id="provisioning-id">${body.provisioningId}</code>`);
    expect(html).toMatch(/<dl id="provider-fields">\s*<dt>plan<\/dt><dd>gold<\/dd>/);

    expect(JSON.parse(await s.provisionings())).toEqual([
      {
        provisioningId: body.provisioningId,
        productId: 123,
        productSkus: ['MRKTPLC-A', 'MRKTPLC-B'],
        at: expect.any(String),
        outcome: 'complete',
        status: 200,
        customerId: '4242',
      },
    ]);
  });

  it('sends a fresh provisioningId per order and userAlias "" when it is blank', async () => {
    const { p, s } = await withProvider((res) => res.json({ customerId: 'c-1' }));
    await s.buy({ ...order, userAlias: '  ' });
    await s.buy({ ...order, skus: 'ONE' });
    const [first, second] = p.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    // Seed 002: the example's five fields are always sent.
    expect(first?.userAlias).toBe('');
    expect(second?.productSkus).toEqual(['ONE']);
    expect(first?.provisioningId).not.toBe(second?.provisioningId);
  });

  it('never lists the contact email or alias', async () => {
    const { s } = await withProvider((res) => res.status(400).json({ message: 'taken' }));
    await s.buy();
    const { s: ok } = await withProvider((res) => res.json({ customerId: 'c-1' }));
    await ok.buy();
    for (const text of [
      await s.provisionings(),
      await ok.provisionings(),
      await ok.page('/'),
      await ok.page('/marketplace'),
    ]) {
      expect(text).not.toContain('buyer@customer.example');
      expect(text).not.toContain('ABCD');
    }
  });

  it.each([
    [
      'a JSON message',
      400,
      { message: 'This email already has an account.' },
      'This email already has an account.',
    ],
    ['a JSON error', 409, { error: 'Alias ABCD is taken' }, 'Alias ABCD is taken'],
    ['a plain-text body', 400, 'SKU not offered to your region', 'SKU not offered to your region'],
    ['an empty body', 404, '', 'The provider refused the order (HTTP 404).'],
  ])('shows the buyer a 40x with %s', async (_name, status, answer, shown) => {
    const { s } = await withProvider((res) =>
      typeof answer === 'string'
        ? res.status(status).type('text').send(answer)
        : res.status(status).json(answer),
    );
    const res = await s.buy();
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(buyerError(html)).toBe(shown);
    expect(html).toContain(`<p id="buyer-status">The provider answered HTTP ${status}.</p>`);
    expect(JSON.parse(await s.provisionings())).toMatchObject([
      { outcome: 'refused', status, message: shown },
    ]);
  });

  it('caps a long 40x message at 1,000 characters', async () => {
    const { s } = await withProvider((res) => res.status(400).type('text').send('é'.repeat(5000)));
    expect(buyerError(await (await s.buy()).text())).toBe('é'.repeat(1000));
  });

  it('escapes a hostile provider message and hostile returned fields', async () => {
    const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&';
    const { s } = await withProvider((res) => res.status(400).json({ message: hostile }));
    const html = await (await s.buy()).text();
    const escaped =
      '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;';
    expect(buyerError(html)).toBe(escaped);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(await s.page('/')).not.toContain('<script>');

    const { s: ok } = await withProvider((res) =>
      res.json({ customerId: hostile, [hostile]: { nested: hostile } }),
    );
    const done = await (await ok.buy()).text();
    expect(done).toContain(`<strong id="customer-id">${escaped}</strong>`);
    expect(done).not.toContain('<script>');
    expect(done).not.toContain('<img');
    expect(await ok.page('/marketplace')).not.toContain('<script>');
  });

  it.each([
    ['a 500', (res: ExpressResponse) => res.status(500).send('SECRET stack trace at db.js:42')],
    [
      'a 503 with JSON',
      (res: ExpressResponse) => res.status(503).json({ message: 'SECRET maintenance' }),
    ],
    ['a 2xx without customerId', (res: ExpressResponse) => res.json({ message: 'SECRET ok' })],
    ['a redirect', (res: ExpressResponse) => res.redirect(307, 'http://127.0.0.1:9/SECRET')],
  ])('shows the generic message for %s, never the provider’s body', async (_name, answer) => {
    const { s } = await withProvider(answer);
    const res = await s.buy();
    expect(res.status).toBe(502);
    const html = await res.text();
    expect(buyerError(html)).toBe(GENERIC);
    expect(html).not.toContain('SECRET');
    const listed = await s.provisionings();
    expect(listed).not.toContain('SECRET');
    expect(JSON.parse(listed)).toMatchObject([{ outcome: 'failed', status: expect.any(Number) }]);
  });

  it.each([201, 202])(
    'fails an order the provider answers %i with a customerId: seed 002’s success is 200',
    async (status) => {
      const { s } = await withProvider((res) => res.status(status).json({ customerId: 'c-1' }));
      const res = await s.buy();
      expect(res.status).toBe(502);
      const html = await res.text();
      expect(buyerError(html)).toBe(GENERIC);
      expect(html).toContain(`the provider answered ${status}, not seed 002&#39;s 200`);
      expect(html).not.toContain('id="customer-id"');
      expect(JSON.parse(await s.provisionings())).toMatchObject([{ outcome: 'failed', status }]);
      expect(await s.page('/_sandbox/orders')).toBe('[]');
    },
  );

  it('shows the generic message when the provider does not answer', async () => {
    const s = await sandbox({ provisioning: { url: await closedPortUrl(), token: 't' } });
    const res = await s.buy();
    expect([res.status, buyerError(await res.text())]).toEqual([502, GENERIC]);
    expect(JSON.parse(await s.provisionings())).toMatchObject([
      { outcome: 'failed', status: null, message: 'no answer (ECONNREFUSED)' },
    ]);
  });

  it('gives up after the timeout with the generic message', async () => {
    const p = await provider(() => {}); // never answers
    const s = await sandbox({ provisioning: { url: p.url, token: 't', timeoutMs: 200 } });
    const res = await s.buy();
    expect([res.status, buyerError(await res.text())]).toEqual([502, GENERIC]);
    expect(JSON.parse(await s.provisionings())).toMatchObject([
      { outcome: 'failed', status: null, message: 'no answer within 200 ms' },
    ]);
  });
});

describe('marketplace Buy form checks', () => {
  it.each([
    [
      'a product id that is not a number',
      { productId: 'abc' },
      'product id must be a whole number',
    ],
    ['a decimal product id', { productId: '1.5' }, 'product id must be a whole number'],
    ['no SKU', { skus: ' , ' }, 'at least one SKU is required'],
    [
      'an email without @',
      { contactEmail: 'buyer.example' },
      'contact email must be an email address (with an @)',
    ],
    ['no email', { contactEmail: '' }, 'contact email must be an email address (with an @)'],
  ])('answers 400 to %s and sends nothing', async (_name, change, reason) => {
    const { p, s } = await withProvider((res) => res.json({ customerId: 'c' }));
    const res = await s.buy({ ...order, ...change });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain(`<p id="form-error" class="error">${reason}</p>`);
    expect(p.requests).toEqual([]);
    expect(JSON.parse(await s.provisionings())).toEqual([]);
  });

  it('refuses a cross-site form post', async () => {
    const { p, s } = await withProvider((res) => res.json({ customerId: 'c' }));
    expect((await s.buy(order, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await s.buy(order, { 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect(p.requests).toHaveLength(1);
  });
});

describe('marketplace page', () => {
  it('shows the Buy form with the configured product, without scripts', async () => {
    const s = await sandbox({
      provisioning: { url: 'http://127.0.0.1:9/marketplace/provision', token: 't' },
      product: { id: 77, skus: ['SKU-1', 'SKU-2'], name: 'Acme <CRM>' },
    });
    const res = await fetch(`${s.url}/marketplace`);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    const html = await res.text();
    expect(html).toContain('<form id="buy-form" method="post" action="/marketplace/buy">');
    expect(html).toContain('name="productId" inputmode="numeric" required value="77"');
    expect(html).toContain('name="skus" required value="SKU-1, SKU-2"');
    expect(html).toContain('name="contactEmail" type="email" required');
    expect(html).toContain('name="userAlias"');
    expect(html).toContain('<button id="buy" type="submit">Buy</button>');
    expect(html).toContain('Acme &lt;CRM&gt;');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('buy-not-configured');
  });

  it('defaults to product 123 and says how to configure Buy when it is not', async () => {
    const s = await sandbox();
    const html = await s.page();
    expect(html).toContain('value="123"');
    expect(html).toContain('value="MRKTPLC-DEMO-CRM-SEATS"');
    expect(html).toMatch(
      /<p id="buy-not-configured"[^>]*>[^<]*CLM_PROVISION_TOKEN[^<]*--provision-url/,
    );
    expect(html).toContain('<button id="buy" type="submit" disabled>Buy</button>');
    const res = await s.buy();
    expect(res.status).toBe(503);
    expect(buyerError(await res.text())).toContain('The Buy button is not configured');
    expect(JSON.parse(await s.provisionings())).toEqual([]);
  });

  it.each([
    [{ provisioning: { url: 'ftp://x/provision', token: 't' } }, /provisioning.url/],
    [{ provisioning: { url: 'http://x/provision', token: '' } }, /provisioning.token/],
    [{ product: { id: 1.5, skus: ['A'] } }, /product.id/],
    [{ product: { id: 1, skus: [] } }, /product.skus/],
    [{ product: { id: 1, skus: ['A,B'] } }, /product.skus/],
  ])('refuses invalid options %j', (options, message) => {
    expect(() => createSandboxApp(options)).toThrow(message);
  });
});
