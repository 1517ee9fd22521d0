import { describe, expect, it } from 'vitest';
import { postJson } from '../test-support/http.js';
import { booksSandbox } from '../test-support/sandbox-books.js';

// Seed 003's 40x of /update-subscription/.
const FAILURE = 'Account Provisioning Failure';

/** A v1 sandbox that provisioned account c-1 with SKU-1 and SKU-2. */
async function v1Sandbox() {
  const s = await booksSandbox({ api: 'v1', providerKey: 'PK-1' });
  const res = await s.register({ customerId: 'c-1', productSkus: ['SKU-1', 'SKU-2'] });
  expect(res.status).toBe(201);
  return {
    ...s,
    update: (body: unknown) => postJson(`${s.url}/update-subscription/`, body),
  };
}

const valid = { coid: 'c-1', expired: false, sku: 'SKU-1', count: 3.5, providerkey: 'PK-1' };

describe('sandbox /update-subscription/ (v1)', () => {
  it.each([
    ['a missing coid', { ...valid, coid: undefined }, 'coid is required'],
    ['expired as text', { ...valid, expired: 'true' }, 'expired must be true or false'],
    [
      'expired without expired-date',
      { ...valid, expired: true },
      'expired-date is required when expired is true',
    ],
    [
      'expired-date not a date',
      { ...valid, expired: true, 'expired-date': 'banana' },
      'expired-date must be a date YYYY-MM-DD',
    ],
    [
      'expired-date no day of the calendar',
      { ...valid, expired: true, 'expired-date': '2026-02-30' },
      'expired-date must be a date YYYY-MM-DD',
    ],
    [
      'expired-date before the order’s day',
      { ...valid, expired: true, 'expired-date': '2026-03-09' },
      'expired-date 2026-03-09 is before the order’s day (2026-03-10 in the earliest zone, UTC-12)',
    ],
    [
      'expired-date after the day of receipt',
      { ...valid, expired: true, 'expired-date': '2026-03-12' },
      'expired-date 2026-03-12 is after the day it was received (2026-03-11 in the latest zone, UTC+14)',
    ],
    ['count as text', { ...valid, count: '3' }, 'count must be a number'],
    ['an unknown field', { ...valid, extra: 1 }, 'unexpected field(s): extra'],
    [
      'an unknown coid',
      { ...valid, coid: 'c-2' },
      'coid c-2 is not an account this marketplace provisioned',
    ],
    [
      'another providerkey',
      { ...valid, providerkey: 'PK-2' },
      'providerkey is not this provider’s key',
    ],
    ['a SKU not ordered', { ...valid, sku: 'SKU-3' }, 'SKU-3 is not a SKU of this order'],
  ])('refuses %s with 400, the ledger unchanged', async (_name, body, detail) => {
    const s = await v1Sandbox();
    const before = await s.ledger();
    const res = await s.update(body);
    expect([res.status, await res.json()]).toEqual([400, { error: FAILURE, detail }]);
    expect(await s.ledger()).toEqual(before);
  });

  it('answers 201, records the updates and keeps them on the ledger: count as usage, expired as the end', async () => {
    const s = await v1Sandbox();
    s.at('2026-07-10T12:00:00Z');
    const ended = {
      coid: 'c-1',
      expired: true,
      'expired-date': '2026-07-31',
      sku: 'SKU-1',
      providerkey: 'PK-1',
    };
    expect((await s.update(valid)).status).toBe(201);
    expect(
      (
        await s.post(
          '/update-subscription/',
          '{"coid":"c-1","expired":false,"sku":"SKU-1","count":0.20,"providerkey":"PK-1"}',
        )
      ).status,
    ).toBe(201);
    s.at('2026-07-31T12:00:00Z');
    expect((await postJson(`${s.url}/update-subscription`, ended)).status).toBe(201);
    const calls = (await (
      await fetch(`${s.url}/_sandbox/calls?endpoint=update-subscription`)
    ).json()) as { body: unknown }[];
    expect(calls.map((call) => call.body)).toEqual([valid, { ...valid, count: 0.2 }, ended]);
    expect(await s.ledger()).toEqual([
      {
        provisioningId: 'c-1',
        customerId: 'c-1',
        productSku: 'SKU-1',
        period: '2026-03',
        billingStartedAt: '2026-03-10T12:00:00.000Z',
        usageCount: 0,
        reports: 0,
        lateReports: 0,
        negativeReports: 0,
        endedAt: '2026-07-31T12:00:00.000Z',
        endedOn: '2026-07-31',
      },
      expect.objectContaining({ period: '2026-07', usageCount: 3.7, reports: 2 }),
      expect.objectContaining({
        productSku: 'SKU-2',
        period: '2026-03',
        endedAt: null,
        endedOn: null,
      }),
    ]);
    // After the expiry, the SKU takes no more updates.
    const late = await s.update(valid);
    expect([late.status, await late.json()]).toEqual([
      400,
      { error: FAILURE, detail: 'SKU-1 has ended for this order' },
    ]);
  });

  it('takes the termination day the provider gives, in any zone: from the order’s day to the day of receipt', async () => {
    const s = await v1Sandbox();
    // 00:30 on April 2 in UTC: already April 2 in the latest zone (UTC+14), the provider's
    // zone may be any, so April 2 is the latest day it can write, April 3 too late.
    s.at('2026-04-02T00:30:00Z');
    const end = (sku: string, date: string) =>
      s.update({ coid: 'c-1', expired: true, 'expired-date': date, sku, providerkey: 'PK-1' });
    const tooLate = await end('SKU-1', '2026-04-03');
    expect([tooLate.status, await tooLate.json()]).toEqual([
      400,
      {
        error: FAILURE,
        detail:
          'expired-date 2026-04-03 is after the day it was received (2026-04-02 in the latest zone, UTC+14)',
      },
    ]);
    expect((await end('SKU-1', '2026-04-01')).status).toBe(201);
    expect((await end('SKU-2', '2026-03-10')).status).toBe(201);
    const ends = (await s.ledger()).map((l) => [l.productSku, l.period, l.endedAt, l.endedOn]);
    expect(ends).toEqual([
      ['SKU-1', '2026-03', '2026-04-02T00:30:00.000Z', '2026-04-01'],
      ['SKU-1', '2026-04', '2026-04-02T00:30:00.000Z', '2026-04-01'],
      ['SKU-2', '2026-03', '2026-04-02T00:30:00.000Z', '2026-03-10'],
      ['SKU-2', '2026-04', '2026-04-02T00:30:00.000Z', '2026-03-10'],
    ]);
    const bill = await (await fetch(`${s.url}/marketplace/orders/c-1/bill`)).text();
    expect(bill).toContain('<td data-label="Terminated on">2026-04-01</td>');
    expect(bill).toContain('<td data-label="Terminated on">2026-03-10</td>');
  });
});
