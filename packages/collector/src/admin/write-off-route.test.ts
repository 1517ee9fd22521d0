import { describe, expect, it } from 'vitest';
import { startBilling } from '../orders/billing.js';
import { ADMIN_NOW, ADMIN_TOKEN, confirmFields, startAdmin } from '../test-support/admin.js';
import { createTestOrder, settleRelays } from '../test-support/seed-orders.js';
import { startUsageAdmin } from '../test-support/usage-admin.js';

const alertOf = (page: string) =>
  /<section class="alert money-in-doubt"[\s\S]*?<\/section>/.exec(page)?.[0] ?? '';

// The usage scenario: June's report of ord-a's SKU-B refused (dead), SKU-A's unconfirmed.
async function usageAdmin() {
  const admin = await startUsageAdmin();
  const dead = admin.ids['2026-06 ord-a SKU-B'] as number;
  const cookie = await admin.signIn();
  const dashboard = async () =>
    (await fetch(`${admin.url}/admin?days=7`, { headers: { cookie } })).text();
  const writeOff = (fields: Record<string, string | string[]>, headers = {}) =>
    admin.postForm('/admin/relays/write-off', fields, { cookie, ...headers });
  const stateOf = async (id: number) =>
    (await admin.store.listRelays({ limit: 100 })).find((r) => r.id === id);
  return { ...admin, dead, cookie, dashboard, writeOff, stateOf };
}

describe('Write off from the dashboard', () => {
  it('offers Write off on a dead billing call, not on an unconfirmed one', async () => {
    const { dashboard, dead, unconfirmed } = await usageAdmin();
    const alert = alertOf(await dashboard());
    const item = (id: number) =>
      new RegExp(`<li data-doubt-id="${id}"[^>]*>.*?</li>`).exec(alert)?.[0] ?? '';
    expect(item(dead)).toContain(
      `<form method="post" action="/admin/relays/write-off" class="write-off"><input type="hidden" name="days" value="7"><input type="hidden" name="ids" value="${dead}"><button type="submit" class="small">Write off</button></form>`,
    );
    expect(item(unconfirmed)).not.toContain('write-off');
    // One dead call: no "write off these N".
    expect(alert).not.toContain('Write off these');
  });

  it('asks first, naming the call and its sum, then writes it off once', async () => {
    const { writeOff, dead, unconfirmed, stateOf, dashboard, relay, follow, cookie } =
      await usageAdmin();
    const first = await writeOff({ ids: [String(dead), String(unconfirmed)], days: '7' });
    expect(first.status).toBe(200);
    expect(first.headers.get('content-security-policy')).toContain("script-src 'none'");
    const page = await first.text();
    expect(page).toContain('<h1>Write off 1 call?</h1>');
    expect(page).toContain(
      'This sends <strong>nothing</strong> to the marketplace: the call below is kept dead and never sent, so the marketplace never bills it, and its money is no longer in doubt. Usage never billed: SKU-B 12.5 (1 report).',
    );
    expect(page).toContain(
      `<td data-label="Relay id">${dead}</td><td data-label="Call">/saas-usage/</td><td data-label="Provisioning ID">ord-a</td><td data-label="SKU">SKU-B</td><td data-label="Period">2026-06</td><td data-label="usageCount">12.5</td>`,
    );
    expect(page).toContain('A write-off cannot be undone');
    expect(page).toContain(
      `Not listed, left as they are (no dead billing call to write off): ${unconfirmed}.`,
    );
    expect((await stateOf(dead))?.lastError).toBe('marketplace refused the call: HTTP 400');

    const form = confirmFields(page);
    if (form === null) throw new Error('no confirm form');
    const done = await writeOff(form.fields);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/admin?days=7');
    expect((await follow(done, cookie)).text).toContain(
      '1 billing call written off: never to be sent or billed, no longer money in doubt.',
    );
    expect(await stateOf(dead)).toMatchObject({
      status: 'dead',
      lastError: 'written off by an operator, not billed: marketplace refused the call: HTTP 400',
    });
    const alert = alertOf(await dashboard());
    expect(alert).toContain('<h2>Money in doubt: 1 billing call</h2>');
    expect(alert).not.toContain(`data-doubt-id="${dead}"`);
    expect(relay.notified).toBe(0);

    // The confirmation again (a reload of its POST): already done, nothing more.
    const again = await writeOff(form.fields);
    expect((await follow(again, cookie)).text).toContain(
      '<strong>Already done:</strong> those calls were written off by that confirmation before',
    );
    expect(await stateOf(dead)).toMatchObject({ status: 'dead' });
  });

  it('changes nothing for bad ids, calls it cannot write off, another origin or no session', async () => {
    const { writeOff, dead, unconfirmed, stateOf, postForm } = await usageAdmin();
    const cases: [Record<string, string | string[]>, Record<string, string>, number, string][] = [
      [{ ids: 'abc' }, {}, 400, 'ids must be relay ids'],
      [{}, {}, 400, 'ids'],
      [{ ids: String(dead), all: '1' }, {}, 400, 'Unrecognized key'],
      [{ ids: String(unconfirmed) }, {}, 409, 'nothing was changed'],
      [{ ids: '9999' }, {}, 409, 'nothing was changed'],
      [{ ids: String(dead) }, { origin: 'https://evil.example' }, 403, 'nothing was changed'],
    ];
    for (const [fields, headers, status, text] of cases) {
      const res = await writeOff(fields, headers);
      expect(res.status, JSON.stringify(fields)).toBe(status);
      expect(await res.text()).toContain(text);
    }
    const anonymous = await postForm('/admin/relays/write-off', { ids: String(dead) });
    expect(anonymous.status).toBe(401);
    expect((await stateOf(dead))?.lastError).toBe('marketplace refused the call: HTTP 400');
    expect((await stateOf(unconfirmed))?.status).toBe('unconfirmed');
  });

  it('writes off every dead call listed at once, after naming each', async () => {
    const admin = await startAdmin();
    for (const id of ['ord-1', 'ord-2']) {
      const order = await createTestOrder(admin.store, id, ['SKU-A'], { at: ADMIN_NOW });
      await startBilling(admin.store, order, ['SKU-A'], ADMIN_NOW);
    }
    await settleRelays(admin.store, ADMIN_NOW, () => 'dead');
    const ids = (await admin.store.listRelays({ status: 'dead' })).map((r) => String(r.id));
    const cookie = await admin.signIn();
    const page = await (await fetch(`${admin.url}/admin`, { headers: { cookie } })).text();
    expect(alertOf(page)).toContain('Write off these 2</button>');

    const { page: confirm, res } = await admin.postConfirmed(
      '/admin/relays/write-off',
      { ids, days: '30' },
      { cookie },
    );
    expect(confirm).toContain('<h1>Write off 2 calls?</h1>');
    expect(confirm).toContain('/start-billing/</td><td data-label="Provisioning ID">ord-1</td>');
    expect(confirm).toContain('/start-billing/</td><td data-label="Provisioning ID">ord-2</td>');
    expect((await admin.follow(res, cookie)).text).toContain('2 billing calls written off');
    expect(await admin.store.listBillingInDoubt()).toEqual([]);
  });
});

describe('POST /admin/api/relays/write-off', () => {
  it('writes off the dead billing calls named and says which it left', async () => {
    const { url, dead, unconfirmed, store } = await usageAdmin();
    const post = (body: string, type = 'application/json') =>
      fetch(`${url}/admin/api/relays/write-off`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': type },
        body,
      });
    const res = await post(JSON.stringify({ ids: [dead, unconfirmed, dead] }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ writtenOff: [dead], left: [unconfirmed] });
    expect((await store.listBillingInDoubt()).map((r) => r.id)).toEqual([unconfirmed]);
    const refused: [string, string, number, string][] = [
      ['{}', 'application/json', 400, 'ids must be an array of relay ids (positive whole numbers)'],
      ['{"ids":[]}', 'application/json', 400, 'ids must list the dead billing calls to write off'],
      ['', 'application/json', 400, 'body required: {"ids": [...]}'],
      ['ids=1', 'application/x-www-form-urlencoded', 415, 'Content-Type must be application/json'],
    ];
    for (const [body, type, status, error] of refused) {
      const answer = await post(body, type);
      expect(answer.status, body).toBe(status);
      expect(await answer.json()).toEqual({ error });
    }
  });
});
