import { describe, expect, it } from 'vitest';
import type { Reconciliation } from '../reconciliation/reconciliation.js';
import { startUsageAdmin } from '../test-support/usage-admin.js';

describe('the reconciliation download', () => {
  it('is linked from the Usage page and downloads as CSV and JSON, one month if asked', async () => {
    const admin = await startUsageAdmin();
    const { text } = await admin.page('?period=2026-07');
    expect(text).toContain(
      '<a href="/admin/usage/reconciliation.csv?period=2026-07" download>CSV</a>',
    );
    const cookie = await admin.signIn();
    const csv = await fetch(`${admin.url}/admin/usage/reconciliation.csv`, { headers: { cookie } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe(
      'attachment; filename="billing-reconciliation.csv"',
    );
    expect((await csv.text()).split('\r\n')[1]).toBe(
      'ord-a,cust-ord-a,SKU-A,2026-07,,12.5,1,0,,month,,,,,,,',
    );
    const json = await fetch(`${admin.url}/admin/usage/reconciliation.json?period=2026-06`, {
      headers: { cookie },
    });
    expect(json.headers.get('content-disposition')).toContain(
      'billing-reconciliation-2026-06.json',
    );
    const body = (await json.json()) as Reconciliation;
    // Nothing reached June's bill; the calls not billed of June's usage are listed.
    expect(body.lines).toEqual([]);
    expect(body.calls.map((call) => call.state)).toEqual(['dead', 'pending', 'pending']);
  });

  it('shows a written-off call as written_off in both formats', async () => {
    const admin = await startUsageAdmin();
    const refused = admin.ids['2026-06 ord-a SKU-B'] ?? -1;
    expect(await admin.store.writeOff(refused, admin.clock.now())).toBe(true);
    const headers = { cookie: await admin.signIn() };
    const json = await fetch(`${admin.url}/admin/usage/reconciliation.json?period=2026-06`, {
      headers,
    });
    const body = (await json.json()) as Reconciliation;
    expect(body.calls.map((call) => [call.relayId, call.state])).toEqual([
      [refused, 'written_off'],
      [expect.any(Number), 'pending'],
      [expect.any(Number), 'pending'],
    ]);
    const csv = await fetch(`${admin.url}/admin/usage/reconciliation.csv?period=2026-06`, {
      headers,
    });
    const row = (await csv.text()).split('\r\n').find((line) => line.includes(`,${refused},`));
    expect(row?.split(',')[14]).toBe('written_off');
  });

  it('needs a signed-in operator and refuses a bad period with 400', async () => {
    const admin = await startUsageAdmin();
    const anonymous = await fetch(`${admin.url}/admin/usage/reconciliation.csv`, {
      redirect: 'manual',
    });
    expect(anonymous.status).toBe(303);
    expect(await anonymous.text()).not.toContain('ord-a');
    const bad = await fetch(`${admin.url}/admin/usage/reconciliation.json?period=2026-13`, {
      headers: { cookie: await admin.signIn() },
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('period must be a month YYYY-MM');
  });
});
