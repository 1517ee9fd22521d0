import { describe, expect, it } from 'vitest';
import { postJson } from '../test-support/http.js';
import { SEED_002_FIELDS, withProvider } from '../test-support/sandbox-buy.js';
import { createSandboxApp } from './app.js';

const product = (form: { label: string; required: boolean }[]) => ({
  product: { id: 123, skus: ['SKU-A'], name: 'Acme', form },
});
const sentBody = (p: { requests: { body: string }[] }) =>
  JSON.parse(p.requests[0]?.body ?? '{}') as Record<string, unknown>;
const ok = { productId: '123', skus: 'SKU-A', userAlias: '' };

describe('the deployment form (seed 002)', () => {
  it('adds a required Contact Email when no required field has "email" in its name, and always sends the seed’s five fields', async () => {
    const form = [
      { label: 'Company Name', required: true },
      { label: 'Backup email', required: false },
    ];
    const { p, s } = await withProvider((res) => res.json({ customerId: 'c-1' }), product(form));
    const html = await s.page();
    expect(html).toContain(
      '<label>Company Name <input id="company-name" name="companyName" required value=""></label>',
    );
    expect(html).toContain(
      '<label>Backup email (optional) <input id="backup-email" name="backupEmail" type="email" autocomplete="email" value=""></label>',
    );
    expect(html).toContain(
      '<label>Contact Email <input id="contact-email" name="contactEmail" type="email" required autocomplete="email" value=""></label>',
    );
    const res = await s.buy({ ...ok, companyName: 'Acme Inc', contactEmail: 'jo@acme.example' });
    expect(res.status).toBe(200);
    const body = sentBody(p);
    expect(Object.keys(body)).toEqual([...SEED_002_FIELDS, 'companyName', 'backupEmail']);
    expect(body).toMatchObject({
      contactEmail: 'jo@acme.example',
      userAlias: '',
      companyName: 'Acme Inc',
      backupEmail: '',
    });
  });

  it('adds no Contact Email when a required field has "email" in its name: contactEmail is its value', async () => {
    const form = [{ label: 'Billing Email', required: true }];
    const { p, s } = await withProvider((res) => res.json({ customerId: 'c-1' }), product(form));
    expect(await s.page()).not.toContain('name="contactEmail"');
    expect((await s.buy({ ...ok, billingEmail: 'bills@acme.example' })).status).toBe(200);
    expect(sentBody(p)).toMatchObject({
      contactEmail: 'bills@acme.example',
      billingEmail: 'bills@acme.example',
    });
  });

  it('makes the product’s own optional "Contact Email" the required contact email, with one input', async () => {
    const form = [
      { label: 'Company Name', required: true },
      { label: 'Contact Email', required: false },
    ];
    const { p, s } = await withProvider((res) => res.json({ customerId: 'c-1' }), product(form));
    const html = await s.page();
    expect(html.match(/name="contactEmail"/g)).toHaveLength(1);
    expect(html).toContain(
      '<label>Contact Email <input id="contact-email" name="contactEmail" type="email" required autocomplete="email" value=""></label>',
    );
    const blank = await s.buy({ ...ok, companyName: 'Acme Inc' });
    expect(blank.status).toBe(400);
    expect(await blank.text()).toContain('contact email must be an email address (with an @)');
    const res = await s.buy({ ...ok, companyName: 'Acme Inc', contactEmail: 'jo@acme.example' });
    expect(res.status).toBe(200);
    expect(Object.keys(sentBody(p))).toEqual([...SEED_002_FIELDS, 'companyName']);
    expect(sentBody(p)).toMatchObject({ contactEmail: 'jo@acme.example' });
  });

  it('sends an optional "Contact Email" beside a required email field when given, else the required one', async () => {
    const form = [
      { label: 'Billing Email', required: true },
      { label: 'Contact Email', required: false },
    ];
    const { p, s } = await withProvider((res) => res.json({ customerId: 'c-1' }), product(form));
    expect((await s.page()).match(/name="contactEmail"/g)).toHaveLength(1);
    const billingEmail = 'bills@acme.example';
    expect((await s.buy({ ...ok, billingEmail, contactEmail: '' })).status).toBe(200);
    expect((await s.buy({ ...ok, billingEmail, contactEmail: 'jo@acme.example' })).status).toBe(
      200,
    );
    const sent = p.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(sent.map((body) => body.contactEmail)).toEqual([billingEmail, 'jo@acme.example']);
  });

  it.each([
    [{ ...ok, contactEmail: 'jo@acme.example' }, 'company name is required'],
    [{ ...ok, companyName: 'Acme' }, 'contact email must be an email address (with an @)'],
  ])('refuses %j with 400, sending nothing', async (form, error) => {
    const config = product([{ label: 'Company Name', required: true }]);
    const { p, s } = await withProvider((res) => res.json({ customerId: 'c-1' }), config);
    const res = await s.buy(form);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(`<p id="form-error" class="error">${error}</p>`);
    expect(p.requests).toEqual([]);
  });

  it.each([
    [[{ label: 'Product Id', required: true }], /productId is not a form field/],
    [[{ label: '***', required: true }], /a label must have a letter/],
    [
      [
        { label: 'Phone', required: true },
        { label: 'phone', required: false },
      ],
      /given twice/,
    ],
    [{ product: { id: 1, skus: ['A'], billing: { A: 'later' } } }, /A=later/],
  ])('refuses a product configured with %j', (config, message) => {
    const options = Array.isArray(config) ? product(config) : config;
    expect(() => createSandboxApp(options)).toThrow(message);
  });
});

describe('orders Buy completes', () => {
  it('are in the books: listed on the marketplace page, each linked to its Bill page', async () => {
    const config = {
      providerKey: 'PK-1',
      product: { id: 123, skus: ['SKU-A', 'SKU-B'], billing: { 'SKU-A': 'immediate' } },
    };
    const { s } = await withProvider((res) => res.json({ customerId: 'c-<1>' }), config);
    const html = await s.page();
    expect(html).toContain('<code>SKU-A</code>: billing starts immediately');
    expect(html).toContain('<code>SKU-B</code>: billing starts when the provider starts it');
    const bought = await (
      await s.buy({ ...ok, skus: 'SKU-A, SKU-B', contactEmail: 'a@b.example' })
    ).text();
    const [, href] = /<a id="bill-link" href="([^"]+)"/.exec(bought) ?? [];
    const provisioningId = /<code id="provisioning-id">([^<]+)</.exec(bought)?.[1] ?? '';
    expect(href).toBe(`/marketplace/orders/${provisioningId}/bill`);
    expect(await s.page()).toContain(`<a href="${href}">${provisioningId}</a>`);
    const usage = { providerKey: 'PK-1', customerId: 'c-<1>', provisioningId, productId: 123 };
    expect(
      (await postJson(`${s.url}/saas-usage/`, { ...usage, productSku: 'SKU-B', usageCount: 2.5 }))
        .status,
    ).toBe(200);
    const bill = await s.page(href);
    expect(bill).toContain('Customer <strong id="bill-customer">c-&lt;1&gt;</strong>');
    expect(bill).toMatch(
      /<td data-label="SKU">SKU-A<\/td><td data-label="Billing starts">immediately<\/td><td data-label="Billing started"><time/,
    );
    expect(bill).toContain(
      '<td data-label="SKU">SKU-B</td><td data-label="Billing starts">when the provider starts it</td><td data-label="Billing started">not started</td>',
    );
    expect(bill).toContain('<td data-label="Usage">2.5</td>');
    expect(bill).toContain('<td data-label="Flags">before billing started</td>');
    expect(bill).not.toContain('<script');
    expect((await fetch(`${s.url}/marketplace/orders/nope/bill`)).status).toBe(404);
  });
});

describe('Buy under v1 (seed 003)', () => {
  const v1 = {
    api: 'v1' as const,
    providerKey: 'PK-1',
    ...product([{ label: 'Company Name', required: false }]),
  };
  const form = {
    productId: '123',
    skus: 'SKU-A',
    resellerkey: 'RK-1',
    name: 'Jo',
    email: 'jo@acme.example',
    companyName: '',
  };

  it('sends seed 003’s body, takes 201 {coid}, and the account’s updates reach the ledger', async () => {
    const { p, s } = await withProvider((res) => res.status(201).json({ coid: 77 }), v1);
    const html = await s.page();
    expect(html).toContain('name="resellerkey"');
    expect(html).not.toContain('name="contactEmail"');
    const res = await s.buy(form);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<a id="bill-link" href="/marketplace/orders/77/bill">');
    expect(p.requests[0]?.body).toBe(
      '{"resellerkey":"RK-1","name":"Jo","email":"jo@acme.example","companyName":""}',
    );
    const update = { coid: '77', expired: false, sku: 'SKU-A', count: 4, providerkey: 'PK-1' };
    expect((await postJson(`${s.url}/update-subscription/`, update)).status).toBe(201);
    const ledger = (await (await fetch(`${s.url}/_sandbox/ledger`)).json()) as { lines: unknown[] };
    expect(ledger.lines).toEqual([
      expect.objectContaining({
        provisioningId: '77',
        customerId: '77',
        usageCount: 4,
        reports: 1,
      }),
    ]);
  });

  it('fails an order the provider answers 200 (v1 expects 201), with the generic message', async () => {
    const { s } = await withProvider((res) => res.json({ coid: 77 }), v1);
    const res = await s.buy(form);
    expect(res.status).toBe(502);
    expect(await res.text()).toContain('the provider answered 200, not v1&#39;s 201');
    expect(await s.page('/_sandbox/orders')).toBe('[]');
  });

  it('fails a second Buy whose coid is an account the books have with other SKUs, saying so', async () => {
    const { s } = await withProvider((res) => res.status(201).json({ coid: 77 }), v1);
    expect((await s.buy(form)).status).toBe(200);
    const again = await s.buy({ ...form, skus: 'SKU-A, SKU-B' });
    expect(again.status).toBe(502);
    const reason =
      'the provider answered coid 77, an account the marketplace already has for another order (product or SKUs): this order is not in its books';
    expect(await again.text()).toContain(
      `<p id="sandbox-note">Sandbox note (not shown by the marketplace): ${reason}.</p>`,
    );
    const attempts = JSON.parse(await s.provisionings()) as Record<string, unknown>[];
    expect(attempts.map((a) => [a.outcome, a.status, a.message ?? a.customerId])).toEqual([
      ['complete', 201, '77'],
      ['failed', 201, reason],
    ]);
    const orders = JSON.parse(await s.page('/_sandbox/orders')) as { productSkus: string[] }[];
    expect(orders.map((o) => o.productSkus)).toEqual([['SKU-A']]);
  });
});
