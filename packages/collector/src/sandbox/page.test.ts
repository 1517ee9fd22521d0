import { describe, expect, it } from 'vitest';
import { listen, postJson } from '../test-support/http.js';
import { createSandboxApp } from './app.js';

const base = {
  providerKey: 'PK-1',
  customerId: 'cust-1',
  provisioningId: '9ddz0a5e-f2d5-6eb5-89b9-7a42d0fbb836',
  productId: 123,
};

describe('sandbox page', () => {
  it('lists the calls of each endpoint in its own section, escaped', async () => {
    const url = await listen(createSandboxApp());
    await postJson(`${url}/start-billing/`, { ...base, productSkus: ['<b>SKU-1</b>', 'SKU-2'] });
    await postJson(`${url}/saas-usage/`, { ...base, productSku: 'SKU-1', usageCount: 0.3 });
    await postJson(`${url}/saas-usage/`, { ...base, productSku: 'SKU-2', usageCount: 7 });
    const res = await fetch(url);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await res.text();
    expect(html).toContain('<meta http-equiv="refresh" content="2">');
    expect(html).toContain('<a href="/marketplace">');
    expect(html).toContain('<p id="count">0 purchase(s) received.</p>');
    expect(html).toContain('<p id="count-start-billing">1 start-billing call(s) received.</p>');
    expect(html).toContain('<p id="count-saas-usage">2 usage report(s) received.</p>');
    expect(html).toContain('<p id="count-saas-usage-end">0 termination(s) received.</p>');
    expect(html).toContain('<p id="count-provisionings">0 attempt(s).</p>');
    expect(html).toContain('<td>&lt;b&gt;SKU-1&lt;/b&gt;, SKU-2</td>');
    expect(html).not.toContain('<b>SKU-1');
    expect(html).toContain('<td>0.3</td>');
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
});
