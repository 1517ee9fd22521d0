import { describe, expect, it } from 'vitest';
import { startBilling } from '../orders/billing.js';
import type { Order } from '../store/types.js';
import { ADMIN_NOW, confirmFields, MARKETPLACE_URL, startAdmin } from '../test-support/admin.js';
import { createTestOrder, settleRelays } from '../test-support/seed-orders.js';
import { CONFIRM_TTL_MS } from './confirm/token.js';

async function twoSkuOrder() {
  const admin = await startAdmin();
  await createTestOrder(admin.store, 'ord-1', ['SKU-A', 'SKU-B'], { at: ADMIN_NOW });
  const cookie = await admin.signIn();
  const path = '/admin/orders/ord-1/start-billing';
  const post = (fields: Record<string, string | string[]> = {}) =>
    admin.postForm(path, fields, { cookie });
  const page = async (query: string) =>
    (await fetch(`${admin.url}/admin/orders${query}`, { headers: { cookie } })).text();
  const starts = async () =>
    (await admin.store.listRelays({ limit: 100 })).filter((r) => r.kind === 'start_billing');
  return { ...admin, cookie, post, page, starts };
}

const banner = (text: string) =>
  /<div class="[^"]*start-banner"[^>]*>([\s\S]*?)<\/div>/.exec(text)?.[1];

describe('Start billing asks first', () => {
  it('shows each call it would send, to which endpoint, and sends nothing until confirmed', async () => {
    const { post, starts, relay } = await twoSkuOrder();
    const res = await post();
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain(
      `This sends <strong>2 calls</strong> to the marketplace: <code>POST ${MARKETPLACE_URL}/start-billing/</code>`,
    );
    const rows = [
      ...text.matchAll(
        /<tr><td[^>]*>([^<]*)<\/td><td[^>]*>([^<]*)<\/td><td[^>]*>([^<]*)<\/td><td[^>]*>([^<]*)<\/td><\/tr>/g,
      ),
    ];
    expect(rows.map((row) => row.slice(1))).toEqual([
      ['ord-1', 'cust-ord-1', '123', 'SKU-A'],
      ['ord-1', 'cust-ord-1', '123', 'SKU-B'],
    ]);
    expect(text).toContain('<button type="submit">Send 2 calls: start billing</button>');
    expect(text).toContain('<a href="/admin/orders">Cancel: send nothing</a>');
    expect(await starts()).toEqual([]);
    expect(relay.notified).toBe(0);
  });

  it('sends once: a replayed confirmation is told "already done" and queues nothing', async () => {
    const { cookie, post, postForm, page, follow, starts, store, relay } = await twoSkuOrder();
    const form = confirmFields(await (await post()).text());
    if (form === null) throw new Error('no confirm form');
    const confirmed = await postForm(form.action, form.fields, { cookie });
    expect(confirmed.headers.get('location')).toBe('/admin/orders?order=ord-1');
    expect((await starts()).map((r) => r.sku).sort()).toEqual(['SKU-A', 'SKU-B']);
    const replay = await postForm(form.action, form.fields, { cookie });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toBe('/admin/orders?order=ord-1');
    expect(await starts()).toHaveLength(2);
    expect(relay.notified).toBe(1);
    expect(banner((await follow(replay, cookie)).text)).toContain(
      '<strong>Already done:</strong> that confirmation was used before; nothing more was sent.',
    );
    // Told once: a reload, or the old link with `already=1`, shows the calls only.
    expect(banner(await page('?order=ord-1'))).not.toContain('Already done');
    expect(banner(await page('?order=ord-1&already=1'))).not.toContain('Already done');

    // The banner tells the calls as they are at each load: sending (and the page refreshes),
    // then sent, never a count kept in the URL.
    const sending = await page('?order=ord-1');
    expect(banner(sending)).toContain('SKU-A: sending…');
    expect(sending).toContain('<meta http-equiv="refresh" content="2">');
    await settleRelays(store, ADMIN_NOW, (r) => (r.sku === 'SKU-A' ? 'delivered' : 'dead'));
    const settled = await page('?order=ord-1');
    expect(banner(settled)).toContain('SKU-A: sent. The marketplace accepted /start-billing/');
    expect(banner(settled)).toMatch(
      /SKU-B: failed: .+ Nothing is billed: fix the cause, then Retry/,
    );
    expect(settled).not.toContain('http-equiv="refresh"');
    expect(settled).not.toContain('sending');
  });

  it('asks again, with the new calls, when what it would send changed or the page is old', async () => {
    const { cookie, post, postForm, starts, store, clock } = await twoSkuOrder();
    const form = confirmFields(await (await post()).text());
    if (form === null) throw new Error('no confirm form');
    // The provider's backend started SKU-A in the meantime.
    await startBilling(store, (await store.getOrder('ord-1')) as Order, ['SKU-A'], ADMIN_NOW);
    const changed = await postForm(form.action, form.fields, { cookie });
    expect(changed.status).toBe(200);
    const text = await changed.text();
    expect(text).toContain('What Start billing would send changed since that page was shown');
    expect(text).toContain('This sends <strong>1 call</strong>');
    expect((await starts()).map((r) => r.sku)).toEqual(['SKU-A']);

    const fresh = confirmFields(text);
    if (fresh === null) throw new Error('no confirm form');
    clock.time = ADMIN_NOW + CONFIRM_TTL_MS;
    const expired = await postForm(fresh.action, fresh.fields, { cookie });
    expect(expired.status).toBe(200);
    expect(await expired.text()).toContain('That confirmation expired before it was sent');
    expect(await starts()).toHaveLength(1);
  });

  it('refuses a confirm field that is no token with a 400, changing nothing', async () => {
    const { post, starts } = await twoSkuOrder();
    const res = await post({ confirm: 'yes' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('confirm is not a confirmation token');
    expect(await starts()).toEqual([]);
  });
});
