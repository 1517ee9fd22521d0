import { describe, expect, it, vi } from 'vitest';
import type { Logger } from '../log.js';
import { startBilling } from '../orders/billing.js';
import { ADMIN_NOW, confirmFields, seedPurchases, startAdmin } from '../test-support/admin.js';
import { createTestOrder, settleRelays } from '../test-support/seed-orders.js';

async function deadStart() {
  const logged: string[] = [];
  const log = (_component: string, message: string) => void logged.push(message);
  const logger: Logger = { debug: log, info: log, warn: log, error: log };
  const admin = { ...(await startAdmin({ logger })), logged };
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
    const { id, retry, status, relay, follow, cookie } = await deadStart();
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
    expect(sent.headers.get('location')).toBe('/admin?days=7');
    expect((await follow(sent, cookie)).text).toContain('1 dead-lettered relay sent back');
    expect(await status()).toBe('pending');
    const replay = await retry(form.fields);
    expect(replay.headers.get('location')).toBe('/admin?days=7');
    expect(relay.notified).toBe(1);
    expect((await follow(replay, cookie)).text).toContain('<strong>Already done:</strong>');
  });

  it('Retry all asks too when a billing call is among the dead', async () => {
    const { retry, status } = await deadStart();
    const res = await retry({ days: '30' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Send 1 call again');
    expect(await status()).toBe('dead');
  });

  it('Retry all asks for a dead billing call behind 1,001 newer dead purchases, and sends only what it listed', async () => {
    const admin = await deadStart();
    const purchases = Array.from({ length: 1001 }, (_, i) => ({
      customerId: `c-${i}`,
      at: ADMIN_NOW + 1 + i,
      outcome: 'dead' as const,
    }));
    await seedPurchases(admin.store, purchases);
    const res = await admin.retry({ days: '7' });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('Send 1 call again');
    expect(await admin.store.countRelays()).toMatchObject({ dead: 1002 });

    const form = confirmFields(text);
    if (form === null) throw new Error('no confirm form');
    const replays = vi.spyOn(admin.store, 'replayDead');
    const sent = await admin.retry(form.fields);
    expect((await admin.follow(sent, admin.cookie)).text).toContain(
      '1002 dead-lettered relays sent back to the queue',
    );
    expect(await admin.store.countRelays()).toMatchObject({ pending: 1002, dead: 0 });
    // The purchases and the listed calls go back together: one transaction, one log line.
    expect(replays).toHaveBeenCalledTimes(1);
    expect(admin.logged.filter((line) => line.includes('admin: replayed'))).toEqual([
      'admin: replayed 1002 dead-lettered relays (the purchases and 1 billing call confirmed)',
    ]);
    // Seeding 1,001 dead purchases one commit each is most of it, and slow on a busy machine.
  }, 20_000);

  it('Retry all without a dead billing call sends the dead purchases at once', async () => {
    const admin = await startAdmin();
    await seedPurchases(admin.store, [{ customerId: 'c-1', at: ADMIN_NOW, outcome: 'dead' }]);
    const cookie = await admin.signIn();
    const sent = await admin.postForm('/admin/relays/replay', { days: '7' }, { cookie });
    expect((await admin.follow(sent, cookie)).text).toContain('1 dead-lettered relay sent back');
    expect(await admin.store.countRelays()).toMatchObject({ pending: 1, dead: 0 });
  });
});
