import { describe, expect, it } from 'vitest';
import { ADMIN_NOW, seedPurchases, seedVisit, startAdmin } from '../test-support/admin.js';

const DAY = 86_400_000;
const TODAY = ADMIN_NOW; // 2025-03-01 12:00 UTC
const TWO_DAYS_AGO = ADMIN_NOW - 2 * DAY;

/** The text of `data-kpi="key"`'s value. */
const kpi = (page: string, key: string) =>
  new RegExp(`data-kpi="${key}">.*?<div class="kpi-value">([^<]*)<`).exec(page)?.[1];

async function seeded() {
  const admin = await startAdmin();
  for (let i = 0; i < 4; i++) await seedVisit(admin.store, TODAY - i * 1000);
  for (let i = 0; i < 2; i++) await seedVisit(admin.store, TWO_DAYS_AGO);
  await seedVisit(admin.store, ADMIN_NOW - 45 * DAY); // outside the default 30 days
  await seedPurchases(admin.store, [
    { customerId: 'cust-a', at: TODAY - 5000, outcome: 'delivered' },
    { customerId: 'cust-b', at: TODAY - 4000, outcome: 'dead' },
    { customerId: 'cust-c', at: TWO_DAYS_AGO, outcome: 'pending' },
  ]);
  const cookie = await admin.signIn();
  const page = async (query = '') => {
    const res = await fetch(`${admin.url}/admin${query}`, { headers: { cookie } });
    return { status: res.status, text: await res.text() };
  };
  return { ...admin, cookie, page };
}

describe('admin dashboard', () => {
  it('shows the window totals and the conversion rate', async () => {
    const { page } = await seeded();
    const { status, text } = await page();
    expect(status).toBe(200);
    expect(kpi(text, 'visits')).toBe('6');
    expect(kpi(text, 'purchases')).toBe('3');
    expect(kpi(text, 'conversion')).toBe('50.0%');
    expect(kpi(text, 'delivered')).toBe('1');
    expect(kpi(text, 'pending')).toBe('1');
    expect(kpi(text, 'dead')).toBe('1');
    expect(text).toContain('Last 30 days, 2025-01-31 to 2025-03-01 (UTC)');
    expect(text).toMatch(/All time: <strong>1<\/strong> relayed · <strong>1<\/strong> pending/);
    expect(text).toContain('7 visits · 3 purchase reports');
  });

  it('narrows the window with ?days and draws one day per column', async () => {
    const { page } = await seeded();
    const { text } = await page('?days=1');
    expect(kpi(text, 'visits')).toBe('4');
    expect(kpi(text, 'conversion')).toBe('50.0%');
    // The legend, and the one day in the wide and the narrow drawing.
    expect(text.match(/data-series="visits"/g)).toHaveLength(3);
    expect(text).toContain('data-day="2025-03-01" data-series="dead" data-value="1"');
    expect(text).toContain('data-day="2025-03-01" data-series="delivered" data-value="1"');
  });

  it('shows a dash for the conversion rate when there were no visits', async () => {
    const admin = await startAdmin();
    await seedPurchases(admin.store, [{ customerId: 'c', at: TODAY, outcome: 'pending' }]);
    const res = await fetch(`${admin.url}/admin`, { headers: { cookie: await admin.signIn() } });
    const text = await res.text();
    expect(kpi(text, 'conversion')).toBe('—');
    expect(kpi(text, 'purchases')).toBe('1');
  });

  it('answers a bad window with 400 and a reason', async () => {
    const { page } = await seeded();
    for (const query of ['?days=0', '?days=367', '?days=abc', '?days=7&days=30']) {
      const { status, text } = await page(query);
      expect(status, query).toBe(400);
      expect(text).toContain('days must be');
    }
  });

  it('lists the newest relays with status, attempts and the last answer', async () => {
    const { page } = await seeded();
    const { text } = await page();
    const ids = [...text.matchAll(/<tr data-relay-id="(\d+)" data-status="(\w+)">/g)].map(
      (m) => m[2],
    );
    expect(ids).toEqual(['pending', 'dead', 'delivered']);
    expect(text).toContain('<span class="badge badge-dead">Dead-lettered</span>');
    expect(text).toContain('<th>Kind</th>');
    expect(text.match(/data-kind="saas_tracking">SaasTracking<\/td>/g)).toHaveLength(3);
    expect(text).toContain('>onramp refused the relay: HTTP 400</span>');
    expect(text).toContain('>Accepted (HTTP 201)</span>');
    expect(text).toContain('title="HTTP 201\n{}"');
    expect(text.match(/action="\/admin\/relays\/replay"/g)).toHaveLength(2); // all + the dead row
    expect(text).toContain('Retry all dead-lettered (1)</button>');
  });

  it('escapes a hostile customer id and onramp answer', async () => {
    const admin = await startAdmin();
    const hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';
    await seedPurchases(admin.store, [{ customerId: hostile, at: TODAY, outcome: 'dead' }]);
    const res = await fetch(`${admin.url}/admin`, { headers: { cookie: await admin.signIn() } });
    const text = await res.text();
    expect(text).not.toContain('<script');
    expect(text).not.toContain('<img');
    expect(text).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;',
    );
  });

  it('serves its stylesheet to anyone, and no page needs inline styles', async () => {
    const { url, page } = await seeded();
    const css = await fetch(`${url}/admin/assets/admin.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    expect(await css.text()).toContain('.kpi');
    const { text } = await page();
    expect(text).toContain('<link rel="stylesheet" href="/admin/assets/admin.css">');
    expect(text).not.toMatch(/<style|style="/);
  });
});

describe('retrying dead-lettered relays from the dashboard', () => {
  it('sends every dead relay back to the queue and wakes the worker', async () => {
    const { store, postForm, cookie, relay, page, follow } = await seeded();
    const res = await postForm('/admin/relays/replay', { days: '7' }, { cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin?days=7');
    expect(relay.notified).toBe(1);
    expect((await store.countRelays()).dead).toBe(0);
    const { text } = await follow(res, cookie);
    expect(text).toContain('1 dead-lettered relay sent back to the queue');
    expect(text).toContain('Retry all dead-lettered (0)</button>');
    // Told once: a reload, or a link with the old parameters, shows no notice.
    expect((await page('?days=7')).text).not.toContain('sent back to the queue');
    expect((await page('?days=7&replayed=1')).text).not.toContain('sent back to the queue');
  });

  it('retries only the relays named by ids', async () => {
    const admin = await startAdmin();
    await seedPurchases(admin.store, [
      { customerId: 'd1', at: TODAY, outcome: 'dead' },
      { customerId: 'd2', at: TODAY, outcome: 'dead' },
    ]);
    const [d2, d1] = await admin.store.listRelays();
    const cookie = await admin.signIn();
    const res = await admin.postForm('/admin/relays/replay', { ids: String(d1?.id) }, { cookie });
    expect(res.headers.get('location')).toBe('/admin?days=30');
    const after = await admin.store.listRelays();
    expect(after.map((r) => [r.id, r.status])).toEqual([
      [d2?.id, 'dead'],
      [d1?.id, 'pending'],
    ]);
  });

  it('changes nothing for a cross-origin post, no session, or bad ids', async () => {
    const { store, postForm, cookie, relay } = await seeded();
    const cases: [Record<string, string | string[]>, Record<string, string>, number][] = [
      [{}, { cookie, origin: 'https://evil.example' }, 403],
      [{}, { cookie, origin: 'null' }, 403],
      [{}, {}, 401],
      [{ ids: 'abc' }, { cookie }, 400],
      [{ ids: ['1', '-2'] }, { cookie }, 400],
      [{ days: '0' }, { cookie }, 400],
    ];
    for (const [fields, headers, status] of cases) {
      const res = await postForm('/admin/relays/replay', fields, headers);
      expect(res.status, JSON.stringify([fields, headers])).toBe(status);
    }
    expect((await store.countRelays()).dead).toBe(1);
    expect(relay.notified).toBe(0);
  });

  it('does not read a misnamed field or a non-form body as "retry all"', async () => {
    const { url, store, postForm, cookie, relay } = await seeded();
    const misnamed = await postForm('/admin/relays/replay', { 'ids[]': '1' }, { cookie });
    expect(misnamed.status).toBe(400);
    expect(await misnamed.text()).toContain('Unrecognized key');
    const json = await fetch(`${url}/admin/relays/replay`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, origin: url, 'content-type': 'application/json' },
      body: '{"ids":[1]}',
    });
    expect(json.status).toBe(415);
    expect(await json.text()).toContain('application/x-www-form-urlencoded');
    expect((await store.countRelays()).dead).toBe(1);
    expect(relay.notified).toBe(0);
  });
});
