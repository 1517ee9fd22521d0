import { describe, expect, it } from 'vitest';
import { seedUsage, USAGE_NOW } from '../test-support/seed-usage.js';
import { usageRows as rows, startUsageAdmin as seeded } from '../test-support/usage-admin.js';

describe('Confirm and Resend on the Usage page', () => {
  it('Confirm marks the report sent, once, and says so', async () => {
    const { post, page, after, unconfirmed, relay } = await seeded();
    const res = await post(`/reports/${unconfirmed}/confirm`);
    expect([res.status, res.headers.get('location')]).toEqual([303, '/admin/usage']);
    const { text } = await after(res);
    expect(text).toContain(
      `Usage report ${unconfirmed} marked sent: recorded that the marketplace billed it.`,
    );
    // Told once: a reload shows the state, not the notice again.
    expect((await page()).text).not.toContain('marked sent');
    expect(rows(text)[1]).toEqual(['2026-06 ord-a SKU-A', '12.5', 'sent', '']);
    expect(text).not.toContain('is unconfirmed');
    expect(relay.notified).toBe(0);
    const again = await post(`/reports/${unconfirmed}/confirm`);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain(
      `Usage report ${unconfirmed} is sent: only an unconfirmed or held report can be confirmed. Nothing was changed.`,
    );
  });

  it('Resend sends the report again, wakes the worker and warns of a double bill', async () => {
    const { confirmPost, after, unconfirmed, relay } = await seeded();
    const res = await confirmPost(`/reports/${unconfirmed}/resend`);
    expect(res.headers.get('location')).toBe('/admin/usage');
    expect(relay.notified).toBe(1);
    const { text } = await after(res);
    expect(text).toContain(
      `Usage report ${unconfirmed} queued again; the relay worker is sending it now. If the marketplace had recorded the first attempt, the buyer is billed twice.`,
    );
    expect(rows(text)[1]).toEqual(['2026-06 ord-a SKU-A', '12.5', 'pending', '']);
  });

  it('refuses a report in another state (409) or unknown (404), changing nothing', async () => {
    const { post, page, ids, relay } = await seeded();
    const before = rows((await page()).text);
    const sent = ids['2026-06 ord-b SKU-A'];
    const cases: [string, number, string][] = [
      [
        `/reports/${sent}/resend`,
        409,
        `Usage report ${sent} is sent: only an unconfirmed or failed report can be resent.`,
      ],
      [`/reports/${sent}/confirm`, 409, 'only an unconfirmed or held report can be confirmed'],
      ['/reports/999/confirm', 404, 'There is no usage report 999. Nothing was changed.'],
      ['/reports/abc/resend', 404, 'There is no such usage report.'],
    ];
    for (const [path, status, message] of cases) {
      const res = await post(path);
      expect(res.status, path).toBe(status);
      const text = await res.text();
      expect(text).toContain(message);
      expect(text).toContain('<a href="/admin/usage">Back to usage</a>');
    }
    expect(rows((await page()).text)).toEqual(before);
    expect(relay.notified).toBe(0);
  });

  it('changes nothing for a cross-origin post or without a session', async () => {
    const { post, page, unconfirmed, relay, url } = await seeded();
    const before = rows((await page()).text);
    for (const path of [
      `/reports/${unconfirmed}/confirm`,
      `/reports/${unconfirmed}/resend`,
      '/close',
    ]) {
      expect((await post(path, { origin: 'https://evil.example' })).status, path).toBe(403);
      expect((await post(path, { origin: 'null' })).status, path).toBe(403);
      const anonymous = await fetch(`${url}/admin/usage${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { origin: url, 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(anonymous.status, path).toBe(401);
    }
    expect(rows((await page()).text)).toEqual(before);
    expect(relay.notified).toBe(0);
  });
});

describe('Close the month now', () => {
  it('closes the open period early, queues its reports and says where later usage goes', async () => {
    const { post, confirmPost, page, after, store, relay } = await seeded();
    const res = await confirmPost('/close');
    expect(res.headers.get('location')).toBe('/admin/usage');
    expect(relay.notified).toBe(1);
    expect((await store.listClosedPeriods())[0]).toEqual({
      period: '2026-07',
      closedAt: USAGE_NOW,
      early: true,
    });
    const { text } = await after(res);
    expect(text).toContain(
      'Closed 2026-07 early: 1 usage report queued; the relay worker is sending it now. Later usage counts in 2026-08.',
    );
    // Told once: a reload (or the old URL with its parameters) shows no notice.
    expect((await page()).text).not.toContain('Closed 2026-07');
    expect((await page('?closed=2026-07&periods=1&reports=1&early=1')).text).not.toContain(
      'Closed 2026-07',
    );
    expect(rows(text)[0]).toEqual(['2026-07 ord-a SKU-A', '0.3', 'pending', '']);
    // August has not begun: there is nothing to close until it does.
    expect(text).toContain('<h2>Open period: 2026-08</h2>');
    expect(text).not.toContain('Close the month now</button>');
    const again = await post('/close');
    expect(again.status).toBe(409);
    expect(await again.text()).toContain(
      '2026-08 has not begun (it is 2026-07 now); nothing was changed.',
    );
  });

  it('refuses a period that had not begun when asked, even if it begins before the close', async () => {
    const { confirmPost, post, store, clock } = await seeded();
    await confirmPost('/close');
    // The first moment of August arrives while the request is being answered.
    const lastClosed = store.lastClosedPeriod.bind(store);
    store.lastClosedPeriod = async () => {
      const period = await lastClosed();
      clock.time = Date.parse('2026-08-01T05:00:01Z');
      return period;
    };
    const res = await post('/close');
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('2026-08 has not begun (it is 2026-07 now)');
    expect((await store.listClosedPeriods())[0]?.period).toBe('2026-07');
  });

  it('counts reports in the flash with the right plurals', async () => {
    const { confirmPost, after, store, relay, travel } = await seeded();
    await seedUsage(store, {
      provisioningId: 'ord-b',
      sku: 'SKU-A',
      quantity: 1,
      period: '2026-07',
    });
    expect((await after(await confirmPost('/close'))).text).toContain(
      'Closed 2026-07 early: 2 usage reports queued; the relay worker is sending them now.',
    );
    await travel('2026-08-10T12:00:00Z');
    const august = await confirmPost('/close');
    expect(relay.notified).toBe(1);
    expect((await after(august)).text).toContain(
      'Closed 2026-08 early: no usage, so no report was queued. Later usage counts in 2026-09.',
    );
  });

  it('closes an overdue period on time, not early', async () => {
    const { confirmPost, page, after, store, travel } = await seeded();
    await travel('2026-07-31T19:30:00Z');
    const { text } = await page();
    expect(text).toContain('which was due to close <time datetime="2026-07-31T19:00:00.000Z">');
    expect(text).toContain('Close the month now closes 2026-07 and queues');
    expect((await after(await confirmPost('/close'))).text).toContain(
      'Closed 2026-07: 1 usage report queued',
    );
    expect((await store.listClosedPeriods())[0]).toMatchObject({ period: '2026-07', early: false });
  });
});
