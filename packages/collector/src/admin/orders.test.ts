import { describe, expect, it } from 'vitest';
import { startBilling, terminate } from '../orders/billing.js';
import type { Order, Store } from '../store/types.js';
import { ADMIN_NOW, ADMIN_TOKEN, seedPurchases, startAdmin } from '../test-support/admin.js';
import { createTestOrder, settleRelays } from '../test-support/seed-orders.js';

const MINUTE = 60_000;

const createOrder = (store: Store, id: string, skus: string[], at: number) =>
  createTestOrder(store, id, skus, { at });

/** Five orders, oldest first: new, starting, half billing, failed, terminated. */
async function seedOrders(store: Store) {
  const at = (minutes: number) => ADMIN_NOW - 60 * MINUTE + minutes * MINUTE;
  await createOrder(store, 'ord-new', ['SKU-A', 'SKU-B'], at(1));
  const starting = await createOrder(store, 'ord-starting', ['SKU-A'], at(2));
  const half = await createOrder(store, 'ord-half', ['SKU-A', 'SKU-B'], at(3));
  const failed = await createOrder(store, 'ord-failed', ['SKU-A'], at(4));
  const ended = await createOrder(store, 'ord-ended', ['SKU-A'], at(5));
  for (const order of [starting, half, failed, ended])
    await startBilling(store, order, ['SKU-A'], ADMIN_NOW);
  await settleRelays(store, ADMIN_NOW, (relay) =>
    relay.orderId === 'ord-starting'
      ? 'pending'
      : relay.orderId === 'ord-failed'
        ? 'dead'
        : 'delivered',
  );
  await terminate(store, (await store.getOrder('ord-ended')) as Order, ['SKU-A'], ADMIN_NOW);
}

async function seeded(options: Parameters<typeof startAdmin>[0] = {}) {
  const admin = await startAdmin(options);
  await seedOrders(admin.store);
  const cookie = await admin.signIn();
  const page = async (query = '') => {
    const res = await fetch(`${admin.url}/admin/orders${query}`, { headers: { cookie } });
    return { status: res.status, text: await res.text() };
  };
  const startBillingOf = (
    id: string,
    fields: Record<string, string | string[]> = {},
    headers = {},
  ) =>
    admin.postForm(`/admin/orders/${encodeURIComponent(id)}/start-billing`, fields, {
      cookie,
      ...headers,
    });
  const confirmStart = async (id: string, fields: Record<string, string | string[]> = {}) =>
    (
      await admin.postConfirmed(`/admin/orders/${encodeURIComponent(id)}/start-billing`, fields, {
        cookie,
      })
    ).res;
  const startBillingRelays = async () =>
    (await admin.store.listRelays({ limit: 500 })).filter((r) => r.kind === 'start_billing');
  return { ...admin, cookie, page, startBillingOf, confirmStart, startBillingRelays };
}

/** Each order row: its id, billing texts by SKU, whether it is terminated and has the button. */
function rows(page: string) {
  return [...page.matchAll(/<tr data-provisioning-id="([^"]+)"([^>]*)>([\s\S]*?)<\/tr>/g)].map(
    ([, id, attributes, cells = '']) => ({
      id,
      billing: Object.fromEntries(
        [...cells.matchAll(/<span class="billing-state" data-sku="([^"]+)"[^>]*>([^<]*)</g)].map(
          ([, sku, text]) => [sku, text],
        ),
      ),
      terminated: attributes?.includes('terminated') && cells.includes('>terminated</span>'),
      button: cells.includes('<button type="submit">Start billing</button>'),
    }),
  );
}

describe('admin Orders page', () => {
  it('lists the newest orders with each SKU’s billing state and a Start billing button', async () => {
    const { page } = await seeded();
    const { status, text } = await page();
    expect(status).toBe(200);
    expect(rows(text)).toEqual([
      // Ended: no billing chip, only its end (below).
      { id: 'ord-ended', billing: {}, terminated: true, button: false },
      {
        id: 'ord-failed',
        billing: { 'SKU-A': 'failed: marketplace refused the call: HTTP 400' },
        terminated: false,
        button: false,
      },
      {
        id: 'ord-half',
        billing: { 'SKU-A': 'billing', 'SKU-B': 'not started' },
        terminated: false,
        button: true,
      },
      { id: 'ord-starting', billing: { 'SKU-A': 'starting…' }, terminated: false, button: false },
      {
        id: 'ord-new',
        billing: { 'SKU-A': 'not started', 'SKU-B': 'not started' },
        terminated: false,
        button: true,
      },
    ]);
    expect(text).toContain('action="/admin/orders/ord-half/start-billing"');
    expect(text).toMatch(
      /<code class="sku">SKU-A<\/code> <span class="end-state" data-sku="SKU-A" data-state="pending">ended <time datetime="2025-03-01T12:00:00.000Z">[^<]*<\/time> · end pending<\/span><\/li>/,
    );
    expect(text).toContain('<td class="customer" data-label="Customer ID">cust-ord-new</td>');
    expect(text).toContain('<time datetime="2025-03-01T11:01:00.000Z">2025-03-01 11:01:00</time>');
    expect(text).not.toMatch(/<style|style="/);
  });

  it('links to and from the dashboard in the header', async () => {
    const { url, cookie, page } = await seeded();
    const { text } = await page();
    expect(text).toContain('<a href="/admin">Purchases</a>');
    expect(text).toContain('<a href="/admin/orders" aria-current="page">Orders</a>');
    const dashboard = await (await fetch(`${url}/admin`, { headers: { cookie } })).text();
    expect(dashboard).toContain('<a href="/admin/orders">Orders</a>');
    expect(dashboard).toContain('<a href="/admin" aria-current="page">Purchases</a>');
  });

  it('says so when there are no orders and no failed attempts', async () => {
    const admin = await startAdmin();
    const res = await fetch(`${admin.url}/admin/orders`, {
      headers: { cookie: await admin.signIn() },
    });
    const text = await res.text();
    expect(text).toContain(
      'No orders yet. The marketplace calls POST /marketplace/provision when a buyer orders.',
    );
    expect(text).toContain('No failed provisioning attempts.');
  });

  it('sends a visitor without a session to the sign-in form, which comes back here', async () => {
    const { url } = await seeded();
    const res = await fetch(`${url}/admin/orders?started=1`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin?next=%2Fadmin%2Forders%3Fstarted%3D1');
  });

  it('lists failed provisioning attempts, the provider’s answer as escaped text', async () => {
    const { store, page } = await seeded();
    const hostile = `<script>alert(1)</script><img src=x onerror=alert(2)>${'x'.repeat(400)}`;
    const base = { productId: 7, productSkus: ['SKU-A', 'SKU-B'], at: ADMIN_NOW - MINUTE };
    await store.recordProvisioningFailure({
      ...base,
      provisioningId: 'ord-refused',
      outcome: 'refused',
      status: 422,
      message: hostile,
    });
    await store.recordProvisioningFailure({
      ...base,
      provisioningId: 'ord-down',
      at: ADMIN_NOW,
      outcome: 'failed',
      status: null,
      message: 'connection refused',
    });
    const { text } = await page();
    expect(text).not.toContain('<script');
    expect(text).not.toContain('<img');
    const failures = [...text.matchAll(/<tr data-failure-id="\d+" data-outcome="(\w+)">/g)];
    expect(failures.map((m) => m[1])).toEqual(['failed', 'refused']);
    expect(text).toContain('<span class="badge badge-refused">refused</span>');
    expect(text).toContain('<code>HTTP 422</code>');
    expect(text).toContain('<span class="muted">no answer</span>');
    expect(text).toContain('<td class="id" data-label="SKUs">SKU-A, SKU-B</td>');
    const answer = /<span class="answer">(&lt;script&gt;[^<]*)<\/span>/.exec(text)?.[1] ?? '';
    expect(answer).toMatch(
      /^&lt;script&gt;alert\(1\)&lt;\/script&gt;&lt;img src=x onerror=alert\(2\)&gt;x+…$/,
    );
    expect(answer.match(/x/g)?.length).toBe(300 - hostile.indexOf('xx') + 1);
  });
  it('shows a JSON refusal as its message text, not as raw JSON', async () => {
    const { store, page } = await seeded();
    await store.recordProvisioningFailure({
      provisioningId: 'ord-blocked',
      productId: 7,
      productSkus: ['SKU-A'],
      at: ADMIN_NOW,
      outcome: 'refused',
      status: 400,
      message: '{"message":"Accounts for <blocked>.example cannot be created here."}',
    });
    const { text } = await page();
    expect(text).toContain('<code>HTTP 400</code>');
    expect(text).toContain(
      '<span class="answer">Accounts for &lt;blocked&gt;.example cannot be created here.</span>',
    );
    expect(text).not.toContain('{&quot;message');
  });
});

describe('Start billing from the Orders page', () => {
  it('queues one /start-billing/ per not-started SKU once confirmed, and the button goes', async () => {
    const { startBillingOf, confirmStart, startBillingRelays, relay, page } = await seeded();
    const before = (await startBillingRelays()).length;
    const res = await confirmStart('ord-new');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/orders?order=ord-new');
    expect(relay.notified).toBe(1);
    const queued = (await startBillingRelays()).filter((r) => r.orderId === 'ord-new');
    expect(queued.map((r) => [r.sku, r.status, r.payload])).toEqual([
      ['SKU-B', 'pending', expect.objectContaining({ productSkus: ['SKU-B'] })],
      ['SKU-A', 'pending', expect.objectContaining({ productSkus: ['SKU-A'] })],
    ]);
    const { text } = await page('?order=ord-new');
    expect(text).toContain('SKU-A: sending… The call is queued; this page refreshes');
    expect(rows(text).find((row) => row.id === 'ord-new')).toMatchObject({
      billing: { 'SKU-A': 'starting…', 'SKU-B': 'starting…' },
      button: false,
    });

    // Pressed again from a stale page: nothing to start, so no confirm page and no call.
    const again = await startBillingOf('ord-new');
    expect(again.headers.get('location')).toBe('/admin/orders?order=ord-new');
    expect((await startBillingRelays()).length).toBe(before + 2);
    expect(relay.notified).toBe(1);
  });

  it('starts only the SKUs not started yet, or those named', async () => {
    const { confirmStart, startBillingRelays, page } = await seeded();
    const half = await confirmStart('ord-half');
    expect(half.headers.get('location')).toBe('/admin/orders?order=ord-half');
    expect((await page('?order=ord-half')).text).toContain('SKU-B: sending…');
    const named = await confirmStart('ord-new', { skus: 'SKU-B' });
    expect(named.headers.get('location')).toBe('/admin/orders?order=ord-new');
    const ofNew = (await startBillingRelays()).filter((r) => r.orderId === 'ord-new');
    expect(ofNew.map((r) => r.sku)).toEqual(['SKU-B']);
    const both = await confirmStart('ord-new', { skus: ['SKU-A', 'SKU-B'] });
    expect(both.headers.get('location')).toBe('/admin/orders?order=ord-new');
    const after = (await startBillingRelays()).filter((r) => r.orderId === 'ord-new');
    expect(after.map((r) => r.sku).sort()).toEqual(['SKU-A', 'SKU-B']);
  });

  it('works for an id that needs encoding in the URL', async () => {
    const { store, confirmStart, startBillingRelays, page } = await seeded();
    const id = 'ord/7 ?#&"<x>';
    await createOrder(store, id, ['SKU-A'], ADMIN_NOW);
    expect(await page().then(({ text }) => text)).toContain(
      `action="/admin/orders/${encodeURIComponent(id).replaceAll('&', '&amp;')}/start-billing"`,
    );
    expect((await confirmStart(id)).headers.get('location')).toBe(
      `/admin/orders?order=${encodeURIComponent(id)}`,
    );
    expect((await startBillingRelays()).filter((r) => r.orderId === id)).toHaveLength(1);
  });

  it('answers an unknown order 404, a foreign SKU 400 and a terminated order 409', async () => {
    const { startBillingOf, startBillingRelays, relay } = await seeded();
    const before = (await startBillingRelays()).length;
    const cases: [string, Record<string, string>, number, string][] = [
      ['ord-nope', {}, 404, 'There is no order with this provisioningId'],
      ['ord-new', { skus: 'SKU-Z' }, 400, 'SKU &quot;SKU-Z&quot; is not part of this order'],
      ['ord-ended', {}, 409, 'SKU &quot;SKU-A&quot; is terminated; nothing was changed.'],
      ['ord-ended', { skus: 'SKU-A' }, 409, 'is terminated'],
      ['ord-new', { sku: 'SKU-A' }, 400, 'Unrecognized key'],
    ];
    for (const [id, fields, status, message] of cases) {
      const res = await startBillingOf(id, fields);
      expect(res.status, `${id} ${JSON.stringify(fields)}`).toBe(status);
      const text = await res.text();
      expect(text).toContain(message);
      expect(text).toContain('<a href="/admin/orders">Back to the orders</a>');
    }
    expect((await startBillingRelays()).length).toBe(before);
    expect(relay.notified).toBe(0);
  });

  it('is not offered under the v1 API, and a post is a 409 that queues nothing', async () => {
    const { page, startBillingOf, startBillingRelays, relay } = await seeded({
      marketplaceApi: 'v1',
    });
    const before = await startBillingRelays();
    const { text } = await page();
    expect(rows(text).filter((row) => row.button)).toEqual([]);
    expect(text).not.toContain('/start-billing"');
    expect(text).toContain('v1 has no billing start');
    const res = await startBillingOf('ord-new');
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('the v1 API has no billing start');
    expect(await startBillingRelays()).toEqual(before);
    expect(relay.notified).toBe(0);
  });

  it('changes nothing for a cross-origin post, no session, or a non-form body', async () => {
    const { url, cookie, postForm, startBillingRelays, relay } = await seeded();
    const before = (await startBillingRelays()).length;
    const path = '/admin/orders/ord-new/start-billing';
    const cases: [Record<string, string>, number][] = [
      [{ cookie, origin: 'https://evil.example' }, 403],
      [{ cookie, origin: 'null' }, 403],
      [{}, 401],
    ];
    for (const [headers, status] of cases)
      expect((await postForm(path, {}, headers)).status, JSON.stringify(headers)).toBe(status);
    const json = await fetch(`${url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, origin: url, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(415);
    expect((await startBillingRelays()).length).toBe(before);
    expect(relay.notified).toBe(0);
  });
});

describe('order calls on the dashboard and in the API', () => {
  it('shows every relay kind, with the order and SKU in place of a service', async () => {
    const { store, url, cookie } = await seeded();
    await seedPurchases(store, [{ customerId: 'cust-p', at: ADMIN_NOW, outcome: 'pending' }]);
    const text = await (await fetch(`${url}/admin`, { headers: { cookie } })).text();
    expect(text).toContain('<th>Kind</th><th>Service</th><th>Purchased at (UTC)</th>');
    expect(text).toContain('data-kind="saas_tracking">SaasTracking</td>');
    expect(text).toContain('data-kind="start_billing">start-billing</td>');
    expect(text).toContain('data-kind="usage_end">end</td>');
    expect(text).toContain(
      '<td class="customer" data-label="Customer ID">cust-ord-ended<span class="order-ref">order ord-ended · SKU-A</span></td>',
    );
    expect(text).toContain(
      '<td class="nowrap" data-label="Service"><span class="muted">–</span></td>',
    );
    expect(text).toContain('<td class="customer" data-label="Customer ID">cust-p</td>');
  });

  it('answers /admin/api/orders with the orders as the provider API shows them', async () => {
    const { url, store } = await seeded();
    await store.recordProvisioningFailure({
      provisioningId: 'ord-refused',
      productId: 7,
      productSkus: ['SKU-A'],
      at: ADMIN_NOW,
      outcome: 'refused',
      status: 409,
      message: 'That alias is taken.',
    });
    const api = (query = '') =>
      fetch(`${url}/admin/api/orders${query}`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
    const res = await api();
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(Object.keys(body)).toEqual(['orders', 'failures']);
    expect(body.orders.map((o: { provisioningId: string }) => o.provisioningId)).toEqual([
      'ord-ended',
      'ord-failed',
      'ord-half',
      'ord-starting',
      'ord-new',
    ]);
    expect(body.orders[2]).toEqual({
      provisioningId: 'ord-half',
      productId: 123,
      customerId: 'cust-ord-half',
      createdAt: '2025-03-01T11:03:00.000Z',
      terminatedAt: null,
      answer: { customerId: 'cust-ord-half' },
      skus: [
        {
          sku: 'SKU-A',
          billingModel: 'manual',
          billingStartsAt: null,
          billingSince: '2025-03-01T12:00:00.000Z',
          billing: {
            state: 'delivered',
            relayId: expect.any(Number),
            deliveredAt: '2025-03-01T12:00:00.000Z',
          },
          endedAt: null,
          end: { state: 'not-requested' },
        },
        {
          sku: 'SKU-B',
          billingModel: 'manual',
          billingStartsAt: null,
          billingSince: null,
          billing: { state: 'not-requested' },
          endedAt: null,
          end: { state: 'not-requested' },
        },
      ],
    });
    expect(body.failures).toEqual([
      {
        id: expect.any(Number),
        provisioningId: 'ord-refused',
        productId: 7,
        productSkus: ['SKU-A'],
        at: '2025-03-01T12:00:00.000Z',
        outcome: 'refused',
        status: 409,
        message: 'That alias is taken.',
      },
    ]);
    const two = await (await api('?limit=2')).json();
    expect(two.orders).toHaveLength(2);
    const bad = await api('?limit=0');
    expect([bad.status, await bad.json()]).toEqual([
      400,
      { error: 'limit must be a whole number from 1 to 500' },
    ]);
    expect((await fetch(`${url}/admin/api/orders`)).status).toBe(401);
  });
});
