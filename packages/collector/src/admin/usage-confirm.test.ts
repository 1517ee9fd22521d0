import { describe, expect, it } from 'vitest';
import { confirmFields, MARKETPLACE_URL } from '../test-support/admin.js';
import { seedUsage } from '../test-support/seed-usage.js';
import { startUsageAdmin as seeded } from '../test-support/usage-admin.js';

// The rows of a confirm page's table, cell by cell.
const callRows = (page: string) =>
  [...page.matchAll(/<tr>((?:<td[^>]*>[^<]*<\/td>)+)<\/tr>/g)].map(([, cells = '']) =>
    [...cells.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map(([, cell]) => cell),
  );

describe('Close the month now asks first', () => {
  it('names each report with its exact sum and closes nothing until confirmed', async () => {
    const { post, store, relay } = await seeded();
    await seedUsage(store, {
      provisioningId: 'ord-c',
      sku: 'SKU-B',
      quantity: 1.25,
      period: '2026-07',
    });
    const res = await post('/close');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('<h1>Close 2026-07 early?</h1>');
    expect(text).toContain(
      `This sends <strong>2 calls</strong> to the marketplace: <code>POST ${MARKETPLACE_URL}/saas-usage/</code>`,
    );
    expect(callRows(text)).toEqual([
      ['2026-07', 'ord-a', 'cust-ord-a', 'SKU-A', '0.3'],
      ['2026-07', 'ord-c', 'cust-ord-c', 'SKU-B', '1.25'],
    ]);
    expect(text).toContain(
      'An early close cannot be undone. Usage arriving later counts in 2026-08.',
    );
    expect(text).toContain('<a href="/admin/usage">Cancel: send nothing</a>');
    expect(await store.lastClosedPeriod()).toBe('2026-06');
    expect(relay.notified).toBe(0);
  });

  it('closes once: a replayed confirmation is told "already done" and closes no other month', async () => {
    const { post, send, after: follow, store, relay, travel } = await seeded();
    const form = confirmFields(await (await post('/close')).text());
    if (form === null) throw new Error('no confirm form');
    expect(form.fields.period).toEqual(['2026-07']);
    const first = await send(form.action, form.fields);
    expect(first.headers.get('location')).toBe('/admin/usage');
    const reports = async () =>
      (await store.listRelays({ limit: 100 })).filter((r) => r.kind === 'usage_report');
    const after = (await reports()).length;
    // A month later, August has begun: the old confirmation must not close it.
    await travel('2026-08-10T12:00:00Z');
    const replay = await send(form.action, form.fields);
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toBe('/admin/usage');
    expect(await store.lastClosedPeriod()).toBe('2026-07');
    expect(await reports()).toHaveLength(after);
    expect(relay.notified).toBe(1);
    expect((await follow(replay)).text).toContain(
      '<strong>Already done:</strong> that period was closed by this confirmation before; nothing more was sent.',
    );
  });

  it('asks again with the new sums when usage arrived after the page was shown', async () => {
    const { post, send, store } = await seeded();
    const form = confirmFields(await (await post('/close')).text());
    if (form === null) throw new Error('no confirm form');
    await seedUsage(store, {
      provisioningId: 'ord-a',
      sku: 'SKU-A',
      quantity: 0.05,
      period: '2026-07',
    });
    const res = await send(form.action, form.fields);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('What this would send changed since that page was shown');
    expect(callRows(text)).toEqual([['2026-07', 'ord-a', 'cust-ord-a', 'SKU-A', '0.35']]);
    expect(await store.lastClosedPeriod()).toBe('2026-06');
  });
});

describe('Resend asks first', () => {
  it('names the report, its count and the risk; a replayed confirmation sends nothing more', async () => {
    const { post, send, after, unconfirmed, store, relay } = await seeded();
    const res = await post(`/reports/${unconfirmed}/resend`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain(
      `This sends <strong>1 call</strong> to the marketplace: <code>POST ${MARKETPLACE_URL}/saas-usage/</code>`,
    );
    expect(callRows(text)).toEqual([['2026-06', 'ord-a', 'cust-ord-a', 'SKU-A', '12.5']]);
    expect(text).toContain('resending bills the buyer twice');
    expect(relay.notified).toBe(0);
    const form = confirmFields(text);
    if (form === null) throw new Error('no confirm form');
    const sent = await send(form.action, form.fields);
    expect(sent.headers.get('location')).toBe('/admin/usage');
    const status = async () =>
      (await store.listRelays({ limit: 100 })).find((r) => r.id === unconfirmed)?.status;
    expect(await status()).toBe('pending');
    const replay = await send(form.action, form.fields);
    expect(replay.headers.get('location')).toBe('/admin/usage');
    expect((await after(replay)).text).toContain(
      `<strong>Already done:</strong> usage report ${unconfirmed} is no longer waiting to be resent`,
    );
    expect(relay.notified).toBe(1);
  });
});
