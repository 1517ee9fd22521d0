import { describe, expect, it } from 'vitest';
import { startBilling } from '../orders/billing.js';
import { ADMIN_NOW, confirmFields, startAdmin } from '../test-support/admin.js';
import { createTestOrder, settleRelays } from '../test-support/seed-orders.js';

async function deadStart() {
  const admin = await startAdmin();
  const order = await createTestOrder(admin.store, 'ord-1', ['SKU-A'], { at: ADMIN_NOW });
  await startBilling(admin.store, order, ['SKU-A'], ADMIN_NOW);
  await settleRelays(admin.store, ADMIN_NOW, () => 'dead');
  const [start] = await admin.store.listRelays({ status: 'dead' });
  const cookie = await admin.signIn();
  const retry = (fields: Record<string, string | string[]>) =>
    admin.postForm('/admin/relays/replay', fields, { cookie });
  const status = async () => (await admin.store.listRelays({ limit: 10 }))[0]?.status;
  return { ...admin, id: String(start?.id), retry, status, cookie };
}

describe('Retry of a dead billing call asks first', () => {
  it('names the call, sends it once confirmed, and a replayed confirmation sends nothing', async () => {
    const { id, retry, status, relay, url, cookie } = await deadStart();
    const res = await retry({ ids: id, days: '7' });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('<h1>Retry billing calls?</h1>');
    expect(text).toContain(
      'This sends <strong>1 call</strong> to the marketplace: <code>POST /start-billing/</code>',
    );
    expect(text).toContain(
      `<td data-label="Relay id">${id}</td><td data-label="Call">/start-billing/</td><td data-label="Provisioning ID">ord-1</td><td data-label="SKU">SKU-A</td>`,
    );
    expect(await status()).toBe('dead');
    expect(relay.notified).toBe(0);

    const form = confirmFields(text);
    if (form === null) throw new Error('no confirm form');
    const sent = await retry(form.fields);
    expect(sent.headers.get('location')).toBe('/admin?days=7&replayed=1');
    expect(await status()).toBe('pending');
    const replay = await retry(form.fields);
    expect(replay.headers.get('location')).toBe('/admin?days=7&replayed=0&already=1');
    expect(relay.notified).toBe(1);
    const page = await (
      await fetch(`${url}/admin?days=7&replayed=0&already=1`, { headers: { cookie } })
    ).text();
    expect(page).toContain('<strong>Already done:</strong>');
  });

  it('Retry all asks too when a billing call is among the dead', async () => {
    const { retry, status } = await deadStart();
    const res = await retry({ days: '30' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Send 1 call again');
    expect(await status()).toBe('dead');
  });
});
