import { describe, expect, it } from 'vitest';
import { booksSandbox, CALL, ORDER } from '../test-support/sandbox-books.js';

const line = (fields: Record<string, unknown>) => ({
  provisioningId: ORDER.provisioningId,
  customerId: ORDER.customerId,
  productSku: 'SKU-SEATS',
  billingStartedAt: null,
  usageCount: 0,
  reports: 0,
  lateReports: 0,
  negativeReports: 0,
  endedAt: null,
  endedOn: null,
  ...fields,
});

describe('GET /_sandbox/ledger', () => {
  it('keeps the start, each report summed exactly and the end, per order, SKU and month', async () => {
    const s = await booksSandbox();
    await s.register();
    s.at('2026-03-12T15:00:00Z');
    expect((await s.start(['SKU-SEATS'])).status).toBe(200);
    await s.usage('SKU-SEATS', '0.1');
    await s.usage('SKU-SEATS', '0.2');
    s.at('2026-04-02T10:00:00Z');
    await s.usage('SKU-SEATS', '1e3');
    s.at('2026-04-20T10:00:00Z');
    expect((await s.end(['SKU-SEATS'])).status).toBe(200);
    const started = '2026-03-12T15:00:00.000Z';
    const ended = '2026-04-20T10:00:00.000Z';
    expect(await s.ledger()).toEqual([
      line({
        period: '2026-03',
        billingStartedAt: started,
        usageCount: 0.3,
        reports: 2,
        endedAt: ended,
      }),
      line({
        period: '2026-04',
        billingStartedAt: started,
        usageCount: 1000,
        reports: 1,
        endedAt: ended,
      }),
    ]);
  });

  it('gives a sum a double cannot carry as a decimal string', async () => {
    const s = await booksSandbox();
    await s.register();
    await s.usage('SKU-GB', '9007199254740993');
    await s.usage('SKU-GB', '0.000001');
    expect((await s.ledger())[0]?.usageCount).toBe('9007199254740993.000001');
  });

  it('reads the count of a body that starts with a UTF-8 byte order mark, as JSON.parse does', async () => {
    const s = await booksSandbox();
    await s.register();
    const body = `${JSON.stringify({ ...CALL, productSku: 'SKU-GB' }).slice(0, -1)},"usageCount":10.25}`;
    const res = await s.post('/saas-usage/', `\uFEFF${body}`);
    expect(res.status).toBe(200);
    expect((await s.ledger())[0]).toMatchObject({ productSku: 'SKU-GB', usageCount: 10.25 });
  });

  it('flags a report inside the blackout and puts one after 18:00 CST on next month’s line', async () => {
    const s = await booksSandbox();
    await s.register();
    // March 31, 2026 is in CDT: the blackout runs 15:45 CDT (20:45Z) to 18:00 CST (00:00Z).
    s.at('2026-03-31T20:44:59Z');
    await s.usage('SKU-SEATS', '1');
    s.at('2026-03-31T20:45:00Z');
    await s.usage('SKU-SEATS', '2');
    s.at('2026-03-31T23:59:59Z');
    await s.usage('SKU-SEATS', '4');
    s.at('2026-04-01T00:00:00Z');
    await s.usage('SKU-SEATS', '8');
    expect(await s.ledger()).toEqual([
      line({ period: '2026-03', usageCount: 7, reports: 3, lateReports: 2 }),
      line({ period: '2026-04', usageCount: 8, reports: 1 }),
    ]);
  });

  it('reads the month in Chicago: 03:00 UTC on Feb 1 is January’s', async () => {
    const s = await booksSandbox();
    await s.register();
    s.at('2026-01-31T23:00:00Z');
    await s.usage('SKU-SEATS', '1');
    s.at('2026-02-01T06:00:00Z');
    await s.usage('SKU-SEATS', '1');
    expect((await s.ledger()).map((l) => [l.period, l.reports, l.lateReports])).toEqual([
      ['2026-01', 1, 1],
      ['2026-02', 1, 0],
    ]);
  });

  it('starts each SKU by its model; a start call for a scheduled SKU starts it if earlier', async () => {
    const s = await booksSandbox({
      product: {
        id: 123,
        skus: ['SKU-SEATS', 'SKU-GB'],
        billing: { 'SKU-SEATS': 'next-month', 'SKU-GB': 'delay:3d' },
      },
    });
    s.at('2026-03-10T12:00:00Z');
    await s.register();
    const starts = async () =>
      Object.fromEntries((await s.ledger()).map((l) => [l.productSku, l.billingStartedAt]));
    expect(await starts()).toEqual({
      'SKU-SEATS': '2026-04-01T05:00:00.000Z',
      'SKU-GB': '2026-03-13T12:00:00.000Z',
    });
    s.at('2026-03-11T12:00:00Z');
    expect((await s.start(['SKU-GB'])).status).toBe(200);
    s.at('2026-03-12T12:00:00Z');
    expect((await s.start(['SKU-GB'])).status).toBe(200);
    expect((await starts())['SKU-GB']).toBe('2026-03-11T12:00:00.000Z');
  });

  it('accepts usage before billing starts and bills it on its month', async () => {
    const s = await booksSandbox();
    await s.register();
    expect((await s.usage('SKU-SEATS', '3')).status).toBe(200);
    expect(await s.ledger()).toEqual([line({ period: '2026-03', usageCount: 3, reports: 1 })]);
  });

  it('accepts a negative count, which reduces the bill, and flags it on the ledger and the Bill page', async () => {
    const s = await booksSandbox();
    await s.register();
    expect((await s.usage('SKU-SEATS', '5')).status).toBe(200);
    expect((await s.usage('SKU-SEATS', '-1.5')).status).toBe(200);
    expect(await s.ledger()).toEqual([
      line({ period: '2026-03', usageCount: 3.5, reports: 2, negativeReports: 1 }),
    ]);
    const bill = await (
      await fetch(`${s.url}/marketplace/orders/${ORDER.provisioningId}/bill`)
    ).text();
    expect(bill).toContain(
      '<td data-label="Count">-1.5</td><td data-label="On the bill of">2026-03</td><td data-label="Flags">before billing started; negative: reduces the bill</td>',
    );
    expect(bill).toContain('<td data-label="Negative">1</td>');
  });

  it('dates the start, the usage and the end at the instant each call is listed as received', async () => {
    // A clock that moves on at every reading, as a real one may between two readings.
    let ms = Date.parse('2026-03-10T12:00:00Z');
    const s = await booksSandbox({ clock: { now: () => ms++ } });
    await s.register();
    await s.start(['SKU-SEATS']);
    await s.usage('SKU-SEATS', '1');
    await s.end(['SKU-SEATS']);
    const calls = (await (await fetch(`${s.url}/_sandbox/calls`)).json()) as {
      receivedAt: string;
    }[];
    const [started, , ended] = calls.map((call) => call.receivedAt);
    expect(await s.ledger()).toEqual([
      expect.objectContaining({ billingStartedAt: started, endedAt: ended, reports: 1 }),
    ]);
  });

  it('forgets the books on reset, keeping the provider key', async () => {
    const s = await booksSandbox();
    await s.register();
    await s.usage('SKU-SEATS', '3');
    await fetch(`${s.url}/_sandbox/reset`, { method: 'POST' });
    expect(await s.ledger()).toEqual([]);
    await s.register();
    expect((await s.post('/start-billing/', { ...CALL, productSkus: ['SKU-GB'] })).status).toBe(
      200,
    );
  });
});
