import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../test-support/admin.js';
import { USAGE_CALENDAR } from '../test-support/seed-usage.js';
import { usageRows as rows, startUsageAdmin as seeded } from '../test-support/usage-admin.js';
import { closePeriodNow } from '../usage/close.js';

describe('admin Usage page', () => {
  it('lists usage per period, order and SKU with report states; buttons only on unconfirmed', async () => {
    const { page, unconfirmed } = await seeded();
    const { status, text } = await page();
    expect(status).toBe(200);
    expect(rows(text)).toEqual([
      ['2026-07 ord-a SKU-A', '0.3', 'not reported', ''],
      ['2026-06 ord-a SKU-A', '12.5', 'unconfirmed', 'Confirm,Resend'],
      ['2026-06 ord-a SKU-B', '12.5', 'failed: marketplace refused the call: HTTP 400', ''],
      ['2026-06 ord-b SKU-A', '12.5', 'sent', ''],
      ['2026-06 ord-c SKU-A', '12.5', 'pending', ''],
      ['2026-06 ord-c SKU-B', '12.5', 'sending', ''],
      ['2026-05 ord-a SKU-A', '12.5', 'sent (late)', ''],
    ]);
    expect(text).toContain(`action="/admin/usage/reports/${unconfirmed}/confirm"`);
    expect(text).toContain(
      `action="/admin/usage/reports/${unconfirmed}/resend" class="resend"><button type="submit">Resend</button><small class="hint">may bill the buyer twice</small>`,
    );
    expect(text).toContain('<strong>1 usage report is unconfirmed:</strong>');
    expect(text).toContain('customer &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(text).not.toContain('<script');
    expect(text).not.toMatch(/<style|style="/);
    expect(text).toContain('<div class="table-wrap"><table class="relays usage">');
  });

  it('shows a held report with its reason, an alert and only Billed by hand', async () => {
    const { page, store, clock } = await seeded();
    const event = (eventId: string) => ({
      eventId,
      provisioningId: 'ord-c',
      sku: 'SKU-A',
      micros: 2n ** 62n,
      occurredAt: clock.time,
      receivedAt: clock.time,
      period: '2026-07',
    });
    await store.recordUsage([event('h-1'), event('h-2')]);
    await closePeriodNow(store, USAGE_CALENDAR, {
      period: '2026-07',
      now: clock.time,
      early: true,
    });
    const { status, text } = await page('?period=2026-07');
    expect(status).toBe(200);
    expect(rows(text)).toContainEqual([
      '2026-07 ord-c SKU-A',
      '9223372036854.775808',
      'held: usage count 9223372036854.775808 has 19 significant digits; usageCount is a JSON number, which carries 15 exactly,…',
      'Billed by hand',
    ]);
    expect(text).toContain('<strong>1 usage report is held:</strong>');
  });

  it('shows the open period, its close and blackout in Chicago time and UTC, and the closed ones', async () => {
    const { page } = await seeded();
    const { text } = await page();
    expect(text).toContain('<h2>Open period: 2026-07</h2>');
    expect(text).toContain(
      'closes <time datetime="2026-07-31T19:00:00.000Z">2026-07-31 14:00 CDT</time> <span class="muted">(2026-07-31T19:00Z)</span>',
    );
    expect(text).toContain(
      'Month-end blackout: <time datetime="2026-07-31T20:45:00.000Z">2026-07-31 15:45 CDT – 19:00 CDT</time> <span class="muted">(2026-07-31T20:45Z – 2026-08-01T00:00Z)</span>',
    );
    expect(text).toContain('<button type="submit">Close the month now</button>');
    expect(text).toContain(
      '<a href="/admin/usage?period=2026-06"><span class="period">2026-06</span> <span class="muted">closed <time datetime="2026-07-15T17:00:00.000Z">2026-07-15 12:00 CDT</time></span></a>',
    );
    expect(text).toContain('<a href="/admin/usage" aria-current="page">All periods</a>');
    expect(text).toContain('<a href="/admin/usage" aria-current="page">Usage</a>');
    expect(text).toContain('<a href="/admin/orders">Orders</a>');
  });

  it('shows one period with ?period=, and refuses a malformed one', async () => {
    const { page } = await seeded();
    const june = await page('?period=2026-06');
    expect(rows(june.text).map((row) => row[0])).toEqual([
      '2026-06 ord-a SKU-A',
      '2026-06 ord-a SKU-B',
      '2026-06 ord-b SKU-A',
      '2026-06 ord-c SKU-A',
      '2026-06 ord-c SKU-B',
    ]);
    expect(june.text).toContain('<h2>Usage in 2026-06</h2>');
    expect(june.text).toContain('<a href="/admin/usage?period=2026-06" aria-current="page">');
    expect((await page('?period=2026-01')).text).toContain('No usage counts in 2026-01.');
    const bad = await page('?period=2026-13');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('period must be a month YYYY-MM, such as 2026-07');
  });

  it('sends a visitor without a session to the sign-in form, which comes back here', async () => {
    const { url } = await seeded();
    const res = await fetch(`${url}/admin/usage?period=2026-06`, { redirect: 'manual' });
    expect([res.status, res.headers.get('location')]).toEqual([
      303,
      '/admin?next=%2Fadmin%2Fusage%3Fperiod%3D2026-06',
    ]);
  });
});

describe('/admin/api/usage', () => {
  it('answers the Usage page’s data as JSON', async () => {
    const { url, unconfirmed } = await seeded();
    const api = (query = '') =>
      fetch(`${url}/admin/api/usage${query}`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
    const body = await (await api('?period=2026-06')).json();
    expect(Object.keys(body)).toEqual([
      'zone',
      'open',
      'closedPeriods',
      'period',
      'lines',
      'unconfirmed',
      'held',
    ]);
    expect(body.open).toEqual({
      period: '2026-07',
      closesAt: '2026-07-31T19:00:00.000Z',
      blackout: { start: '2026-07-31T20:45:00.000Z', end: '2026-08-01T00:00:00.000Z' },
      begun: true,
      overdue: false,
    });
    expect(body.unconfirmed).toBe(1);
    expect(body.lines).toHaveLength(5);
    expect(body.lines[0]).toEqual({
      period: '2026-06',
      provisioningId: 'ord-a',
      sku: 'SKU-A',
      customerId: 'cust-ord-a',
      quantity: '12.5',
      events: 1,
      state: 'unconfirmed',
      report: {
        id: unconfirmed,
        status: 'unconfirmed',
        late: false,
        attempts: 1,
        lastError: 'timed out after 10000 ms; the marketplace may have recorded it',
        deliveredAt: null,
      },
    });
    expect((await (await api()).json()).lines).toHaveLength(7);
    const bad = await api('?period=June');
    expect([bad.status, await bad.json()]).toEqual([
      400,
      { error: 'period must be a month YYYY-MM, such as 2026-07' },
    ]);
    expect((await fetch(`${url}/admin/api/usage`)).status).toBe(401);
    const relays = await (
      await fetch(`${url}/admin/api/relays?status=unconfirmed`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      })
    ).json();
    expect(relays.relays.map((r: { id: number }) => r.id)).toEqual([unconfirmed]);
  });
});
