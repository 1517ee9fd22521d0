import { describe, expect, it } from 'vitest';
import { listen, postJson } from '../test-support/http.js';
import { createSandboxApp } from './app.js';

const base = {
  providerKey: 'PK-1',
  customerId: 'cust-1',
  provisioningId: '9ddz0a5e-f2d5-6eb5-89b9-7a42d0fbb836',
  productId: 123,
};

/** The order of `base`, registered as the marketplace would have provisioned it. */
async function withOrder(url: string, productSkus: string[]) {
  const { provisioningId, customerId, productId } = base;
  const res = await postJson(`${url}/_sandbox/orders`, {
    provisioningId,
    customerId,
    productId,
    productSkus,
  });
  expect(res.status).toBe(201);
}

describe('sandbox page', () => {
  it('lists the calls of each endpoint in its own section, escaped', async () => {
    const url = await listen(createSandboxApp({ providerKey: base.providerKey }));
    await withOrder(url, ['<b>SKU-1</b>', 'SKU-2', 'SKU-1']);
    await postJson(`${url}/start-billing/`, { ...base, productSkus: ['<b>SKU-1</b>', 'SKU-2'] });
    await postJson(`${url}/saas-usage/`, { ...base, productSku: 'SKU-1', usageCount: 0.3 });
    await postJson(`${url}/saas-usage/`, { ...base, productSku: 'SKU-2', usageCount: 7 });
    const res = await fetch(url);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await res.text();
    expect(html).toContain('<meta http-equiv="refresh" content="2">');
    expect(html).toContain('This page refreshes every 2 s.');
    expect(html).toContain('<link rel="icon" href="data:,">');
    expect(html).not.toContain('dashboard-link');
    expect(html).toContain('<a href="/marketplace">');
    expect(html).toContain('<p id="count">0 purchases received.</p>');
    expect(html).toContain('<p id="count-start-billing">1 start-billing call received.</p>');
    // The sandbox's call ids run across endpoints: labelled as ids, not as row numbers.
    expect(html).toContain('<th>Call id</th>');
    expect(html).not.toContain('<th>#</th>');
    expect(html).toContain('<p id="count-saas-usage">2 usage reports received.</p>');
    expect(html).toContain('<p id="count-saas-usage-end">0 terminations received.</p>');
    expect(html).toContain('<p id="count-provisionings">0 attempts.</p>');
    expect(html).toContain('<td data-label="productSkus">&lt;b&gt;SKU-1&lt;/b&gt;, SKU-2</td>');
    expect(html).not.toContain('<b>SKU-1');
    expect(html).toContain('<td data-label="usageCount">0.3</td>');
    const order = [
      'calls-SaasTrackings',
      'calls-start-billing',
      'calls-saas-usage"',
      'provisionings',
    ];
    const positions = order.map((id) => html.indexOf(`<section id="${id}`));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('shows times readably and links to the dashboard of the collector Buy sends orders to', async () => {
    const url = await listen(
      createSandboxApp({
        provisioning: { url: 'http://127.0.0.1:5101/marketplace/provision', token: 't' },
        providerKey: base.providerKey,
      }),
    );
    await withOrder(url, ['SKU-1']);
    await postJson(`${url}/start-billing/`, { ...base, productSkus: ['SKU-1'] });
    const html = await (await fetch(url)).text();
    expect(html).toContain('<a href="http://127.0.0.1:5101/admin" id="dashboard-link">');
    expect(html).toMatch(
      /<td data-label="Received at"><time datetime="\d{4}-\d\d-\d\dT[\d:.]+Z">\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC<\/time><\/td>/,
    );
  });

  it('masks the provider key in every call it shows, keeping it whole in /_sandbox/calls', async () => {
    const key = 'PK-LIVE-7f3a9c';
    const url = await listen(createSandboxApp({ providerKey: key }));
    const call = { ...base, providerKey: key };
    await withOrder(url, ['SKU-1']);
    await postJson(`${url}/start-billing/`, { ...call, productSkus: ['SKU-1'] });
    await postJson(`${url}/saas-usage/`, { ...call, productSku: 'SKU-1', usageCount: 1 });
    await postJson(`${url}/saas-usage/end`, { ...call, productSkus: ['SKU-1'] });
    const tracking = { partnerKey: key, serviceName: 's', customerId: 'c-1' };
    await postJson(`${url}/api/SaasTrackings`, {
      ...tracking,
      purchasedAt: '2026-03-01T00:00:00Z',
    });
    const html = await (await fetch(url)).text();
    expect(html).not.toContain(key);
    expect(html.match(/<td data-label="providerKey">PK-L…<\/td>/g)).toHaveLength(3);
    expect(html).toContain('<td data-label="partnerKey">PK-L…</td>');
    // The sandbox's own record of what it received, for tests comparing bodies.
    const calls = (await (await fetch(`${url}/_sandbox/calls`)).json()) as {
      body: { providerKey?: string };
    }[];
    expect(calls.filter((c) => c.body.providerKey === key)).toHaveLength(3);
  });

  it('masks a v1 providerkey too, and a short key down to half of it', async () => {
    const url = await listen(createSandboxApp({ providerKey: 'PK-1', api: 'v1' }));
    await postJson(`${url}/_sandbox/orders`, {
      customerId: 'c-1',
      productId: 1,
      productSkus: ['S'],
    });
    const update = { coid: 'c-1', expired: false, sku: 'S', count: 1, providerkey: 'PK-1' };
    expect((await postJson(`${url}/update-subscription/`, update)).status).toBe(201);
    const html = await (await fetch(url)).text();
    expect(html).toContain('<td data-label="providerkey">PK…</td>');
    expect(html).not.toContain('PK-1');
  });
});
