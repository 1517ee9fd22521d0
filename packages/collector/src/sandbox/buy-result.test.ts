import { describe, expect, it } from 'vitest';
import { order, withProvider } from '../test-support/sandbox-buy.js';

describe('the Buy result page', () => {
  it('is reached by a redirect, so reloading it places no second order', async () => {
    const { p, s } = await withProvider((res) => res.json({ customerId: 4242 }));
    const posted = await fetch(`${s.url}/marketplace/buy`, {
      method: 'POST',
      body: new URLSearchParams(order),
      redirect: 'manual',
    });
    expect(posted.status).toBe(303);
    const location = posted.headers.get('location') ?? '';
    expect(location).toMatch(/^\/marketplace\/result\/[0-9a-f-]{36}$/);
    for (let reload = 0; reload < 3; reload++) {
      const page = await fetch(`${s.url}${location}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<strong id="customer-id">4242</strong>');
    }
    expect(p.requests).toHaveLength(1);
    expect(await (await fetch(`${s.url}/marketplace/result/nope`)).text()).toContain(
      'There is no recent Buy result with this id',
    );
  });

  it('links the collector’s dashboard and says the next step, as the marketplace page does', async () => {
    const { p, s } = await withProvider((res) => res.json({ customerId: 'c-1' }));
    const dashboard = p.url.replace(/\/marketplace\/provision$/, '/admin');
    const result = await (await s.buy()).text();
    expect(result).toContain(`<a href="${dashboard}" id="dashboard-link">Collector dashboard</a>`);
    expect(result).toContain(
      `Next, as the provider: open the collector's <a id="orders-link" href="${dashboard}/orders">Orders page</a>`,
    );
    const marketplace = await s.page('/marketplace');
    expect(marketplace).toContain('id="dashboard-link"');
    expect(marketplace).toContain('<p id="next-step">Buy sends the order to the provider');
  });

  it('keeps an outcome on one line, never broken inside the word', async () => {
    const { s } = await withProvider((res) => res.json({ customerId: 'c-1' }));
    await s.buy();
    const marketplace = await s.page('/marketplace');
    expect(marketplace).toContain(
      '<td data-label="Outcome"><span class="word">complete</span></td>',
    );
    expect(marketplace).toContain('.word { white-space: nowrap; overflow-wrap: normal; }');
  });
});
