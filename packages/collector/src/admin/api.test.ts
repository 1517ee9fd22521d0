import { describe, expect, it } from 'vitest';
import {
  ADMIN_NOW,
  ADMIN_TOKEN,
  seedPurchases,
  seedVisit,
  startAdmin,
} from '../test-support/admin.js';

const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` };

async function seeded() {
  const admin = await startAdmin();
  for (let i = 0; i < 4; i++) await seedVisit(admin.store, ADMIN_NOW - i);
  await seedPurchases(admin.store, [
    { customerId: 'cust-a', at: ADMIN_NOW - 10, outcome: 'delivered' },
    { customerId: 'cust-b', at: ADMIN_NOW - 9, outcome: 'dead' },
    { customerId: 'cust-c', at: ADMIN_NOW - 8, outcome: 'dead' },
  ]);
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${admin.url}/admin/api${path}`, { ...init, headers: { ...bearer, ...init.headers } });
  const replay = (body: string, headers: Record<string, string> = {}) =>
    api('/relays/replay', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  return { ...admin, api, replay };
}

describe('admin API', () => {
  it('answers the summary of a window with totals and every day', async () => {
    const { api } = await seeded();
    const res = await api('/summary?days=7');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const summary = await res.json();
    expect(summary.window).toEqual({
      days: 7,
      since: '2025-02-23T00:00:00.000Z',
      until: '2025-03-02T00:00:00.000Z',
    });
    expect(summary.totals).toEqual({
      visits: 4,
      purchases: 3,
      delivered: 1,
      pending: 0,
      dead: 2,
      conversionRate: 0.75,
    });
    expect(summary.days).toHaveLength(7);
    expect(summary.days[6]).toEqual({
      day: '2025-03-01',
      visits: 4,
      purchases: 3,
      delivered: 1,
      pending: 0,
      dead: 2,
    });
    expect(summary.allTime.relays).toEqual({
      pending: 0,
      in_flight: 0,
      delivered: 1,
      dead: 2,
      unconfirmed: 0,
      kept: 0,
    });
    expect(summary.allTime.oldestPendingSince).toBeNull();
  });

  it('lists relays newest first, filtered by status', async () => {
    const { api } = await seeded();
    const all = await (await api('/relays')).json();
    expect(all.relays.map((r: { customerId: string }) => r.customerId)).toEqual([
      'cust-c',
      'cust-b',
      'cust-a',
    ]);
    const dead = await (await api('/relays?status=dead&limit=1')).json();
    expect(dead.relays.map((r: { customerId: string }) => r.customerId)).toEqual(['cust-c']);
    expect(dead.relays[0]).toMatchObject({ status: 'dead', attempts: 1, lastStatus: 400 });
  });

  it.each([
    ['/summary?days=0', 'days must be a whole number from 1 to 366'],
    ['/summary?days=1e3', 'days must be a whole number from 1 to 366'],
    ['/relays?status=gone', 'status must be pending, in_flight, delivered, dead or unconfirmed'],
    ['/relays?limit=501', 'limit must be a whole number from 1 to 500'],
    ['/relays?limit=-1', 'limit must be a whole number from 1 to 500'],
  ])('answers %s with 400 and a reason', async (path, error) => {
    const { api } = await seeded();
    const res = await api(path);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error });
  });

  it('replays the dead relays named by ids, or all of them', async () => {
    const { replay, store, relay } = await seeded();
    const [c] = await store.listRelays({ status: 'dead', limit: 1 });
    expect(await (await replay(JSON.stringify({ ids: [c?.id, 9999] }))).json()).toEqual({
      replayed: 1,
    });
    expect((await store.countRelays()).dead).toBe(1);
    expect(relay.notified).toBe(1);
    expect(await (await replay('{}')).json()).toEqual({ replayed: 1 });
    expect(await (await replay('{}')).json()).toEqual({ replayed: 0 });
    expect((await store.countRelays()).pending).toBe(2);
  });

  it.each([
    ['not JSON', '{"ids":', {}, 400, 'body is not valid JSON'],
    [
      'ids not numbers',
      '{"ids":["1"]}',
      {},
      400,
      'ids must be an array of relay ids (positive whole numbers)',
    ],
    [
      'empty ids',
      '{"ids":[]}',
      {},
      400,
      'ids must list at least one relay id (leave it out to retry all)',
    ],
    ['an unknown field', '{"all":true}', {}, 400, 'Unrecognized key: "all"'],
    [
      'an empty body',
      '',
      {},
      400,
      'body required: {"ids": [...]} for those relays, or {} for every dead letter',
    ],
    [
      'a form body',
      'ids=1',
      { 'content-type': 'application/x-www-form-urlencoded' },
      415,
      'Content-Type must be application/json',
    ],
  ])('refuses %s and replays nothing', async (_name, body, headers, status, error) => {
    const { replay, store, relay } = await seeded();
    const res = await replay(body, headers);
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ error });
    expect((await store.countRelays()).dead).toBe(2);
    expect(relay.notified).toBe(0);
  });

  it('needs the admin token or a session, and refuses everything when disabled', async () => {
    const { url, signIn, store } = await seeded();
    const plain = await fetch(`${url}/admin/api/summary`);
    expect(plain.status).toBe(401);
    expect(plain.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await fetch(`${url}/admin/api/summary`, {
      headers: { authorization: 'Bearer admin-token-0123456788' },
    });
    expect(wrong.status).toBe(401);

    const cookie = await signIn();
    expect((await fetch(`${url}/admin/api/summary`, { headers: { cookie } })).status).toBe(200);
    const post = (origin: string) =>
      fetch(`${url}/admin/api/relays/replay`, {
        method: 'POST',
        headers: { cookie, origin, 'content-type': 'application/json' },
        body: '{}',
      });
    const cross = await post('https://evil.example');
    expect(cross.status).toBe(403);
    expect(await cross.json()).toEqual({ error: 'cross-origin request refused' });
    expect((await store.countRelays()).dead).toBe(2);
    expect(await (await post(url)).json()).toEqual({ replayed: 2 });

    const disabled = await startAdmin({ token: null });
    const res = await fetch(`${disabled.url}/admin/api/summary`, { headers: bearer });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error: 'admin access is disabled: CLM_ADMIN_TOKEN is not set',
    });
  });
});
