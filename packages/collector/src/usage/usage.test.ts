import { describe, expect, it } from 'vitest';
import { manualClock } from '../test-support/clock.js';
import { waitFor } from '../test-support/http.js';
import { startOrdersChain } from '../test-support/orders.js';
import { closePeriodNow } from './close.js';

async function usageChain(start = '2026-07-15T12:00:00Z') {
  const clock = manualClock(start);
  const chain = await startOrdersChain({ clock });
  const id = await chain.order({ productSkus: ['SKU-SEATS', 'SKU-STORAGE'] });
  const usage = (body: unknown) => chain.api('POST', '/api/usage', body);
  const close = (period: string, early = true) =>
    closePeriodNow(chain.store, chain.config.billing, { period, now: clock.now(), early });
  const reports = () => chain.calls('saas-usage');
  return { chain, clock, id, usage, close, reports };
}

const event = (
  id: string,
  eventId: string,
  quantity: number,
  extra: Record<string, unknown> = {},
) => ({
  eventId,
  provisioningId: id,
  productSku: 'SKU-SEATS',
  quantity,
  ...extra,
});

describe('POST /api/usage and the month close', () => {
  it('answers each event with its period, counts a repeat once and reports the exact sum', async () => {
    const { chain, id, usage, close, reports } = await usageChain();
    const res = await usage([event(id, 'e-1', 0.1), event(id, 'e-2', 0.2), event(id, 'e-1', 0.1)]);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({
      events: [
        { eventId: 'e-1', result: 'recorded', period: '2026-07' },
        { eventId: 'e-2', result: 'recorded', period: '2026-07' },
        { eventId: 'e-1', result: 'duplicate', period: '2026-07' },
      ],
    });
    const again = await usage(event(id, 'e-2', 0.2));
    expect([again.status, await again.json()]).toEqual([
      200,
      { events: [{ eventId: 'e-2', result: 'duplicate', period: '2026-07' }] },
    ]);
    expect(await close('2026-07')).toEqual([{ period: '2026-07', reports: 1, held: 0 }]);
    await chain.settled();
    const sent = await reports();
    // 0.1 + 0.2 in binary floating point is 0.30000000000000004; the bill says 0.3.
    expect(sent).toEqual([
      {
        providerKey: 'PK-1',
        customerId: '1000',
        provisioningId: id,
        productSku: 'SKU-SEATS',
        productId: 123,
        usageCount: 0.3,
      },
    ]);
    expect(Object.keys(sent[0] ?? {})).toEqual([
      'providerKey',
      'customerId',
      'provisioningId',
      'productSku',
      'productId',
      'usageCount',
    ]);
  });

  it('answers an eventId reused for another event 409 naming the stored one, storing nothing', async () => {
    const { chain, clock, id, usage } = await usageChain();
    const timed = { occurredAt: '2026-07-15T06:00:00-05:00' };
    expect((await usage([event(id, 'e-0', 1), event(id, 'e-1', 2, timed)])).status).toBe(202);
    // An honest retry of an event without occurredAt, received later, is the same event.
    clock.set('2026-07-15T12:10:00Z');
    const retry = await usage([event(id, 'e-0', 1), event(id, 'e-1', 2, timed)]);
    expect([retry.status, await retry.json()]).toEqual([
      200,
      {
        events: [
          { eventId: 'e-0', result: 'duplicate', period: '2026-07' },
          { eventId: 'e-1', result: 'duplicate', period: '2026-07' },
        ],
      },
    ]);
    const storedEvent = {
      eventId: 'e-1',
      provisioningId: id,
      productSku: 'SKU-SEATS',
      quantity: '2',
      occurredAt: '2026-07-15T11:00:00.000Z',
    };
    const reused = await usage([event(id, 'e-2', 1), event(id, 'e-1', 3, timed)]);
    expect([reused.status, await reused.json()]).toEqual([
      409,
      {
        error:
          'event e-1: this eventId is already used by another event (provisioningId ' +
          `${id}, productSku SKU-SEATS, quantity 2, occurredAt 2026-07-15T11:00:00.000Z); ` +
          'nothing was stored',
        storedEvent,
      },
    ]);
    // A repeat that leaves occurredAt out is not compared on it.
    expect((await usage(event(id, 'e-1', 2))).status).toBe(200);
    for (const other of [
      event(id, 'e-1', 2, { occurredAt: '2026-07-14T11:00:00Z' }),
      event(id, 'e-1', 2, { ...timed, productSku: 'SKU-STORAGE' }),
    ]) {
      const res = await usage(other);
      expect([res.status, ((await res.json()) as { storedEvent: unknown }).storedEvent]).toEqual([
        409,
        storedEvent,
      ]);
    }
    const lines = await chain.store.usageLines();
    expect(lines.map((line) => [line.micros, line.events])).toEqual([[3_000_000n, 2]]);
  });

  it("counts usage that arrives after its period's report in the next period", async () => {
    const { chain, clock, id, usage, close, reports } = await usageChain();
    await usage(event(id, 'e-1', 2));
    await close('2026-07');
    clock.set('2026-08-01T15:00:00Z');
    const late = await usage(event(id, 'e-2', 5, { occurredAt: '2026-07-20T10:00:00-05:00' }));
    expect(await late.json()).toEqual({
      events: [{ eventId: 'e-2', result: 'recorded', period: '2026-08' }],
    });
    await chain.settled();
    expect((await reports()).map((r) => r.usageCount)).toEqual([2]);
  });

  it.each([
    ['7 decimal places', { quantity: 0.1234567 }, 'quantity must have at most 6 decimal places'],
    ['a negative quantity', { quantity: -1 }, 'quantity must not be negative'],
    ['a quantity as text', { quantity: '1' }, 'quantity must be a number'],
    ['a time ahead', { occurredAt: '2026-07-15T12:05:00Z' }, 'occurredAt must not be ahead of now'],
    [
      'a time without a zone',
      { occurredAt: '2026-07-15T10:00:00' },
      'occurredAt must be an ISO-8601',
    ],
    ['an unknown field', { sku: 'x' }, 'Unrecognized key'],
  ])('refuses %s with a 400 and stores nothing', async (_name, extra, message) => {
    const { id, usage, chain } = await usageChain();
    const res = await usage([event(id, 'ok-1', 1), event(id, 'bad-1', 1, extra)]);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string };
    expect(body.error).toMatch(/^event 1: /);
    expect(body.error).toContain(message);
    expect(await chain.store.usageLines()).toEqual([]);
  });

  it.each([
    ['0.1000000000000000000001', 'quantity must have at most 6 decimal places'],
    ['1.0000001', 'quantity must have at most 6 decimal places'],
    ['1e-7', 'quantity must have at most 6 decimal places'],
    ['1e400', 'quantity must be at most 1000000000'],
    ['-0', 'quantity must not be negative: write 0, not -0'],
  ])('refuses the quantity %s as written, never rounded (400)', async (written, message) => {
    const { id, usage, chain } = await usageChain();
    const body = `[{"eventId":"ok-1","provisioningId":"${id}","productSku":"SKU-SEATS","quantity":1},
      {"eventId":"bad-1","provisioningId":"${id}","productSku":"SKU-SEATS","quantity":${written}}]`;
    const res = await usage(body);
    expect([res.status, await res.json()]).toEqual([400, { error: `event 1: ${message}` }]);
    expect(await chain.store.usageLines()).toEqual([]);
  });

  it('reads a quantity from its digits, and refuses leading zeros and a repeated key', async () => {
    const { id, usage, chain } = await usageChain();
    const fields = `"provisioningId":"${id}","productSku":"SKU-SEATS"`;
    const ok = await usage(`{"eventId":"e-1",${fields},"quantity":15e-1}`);
    expect(ok.status).toBe(202);
    const zeros = await usage(`{"eventId":"e-2",${fields},"quantity":01}`);
    expect([zeros.status, await zeros.json()]).toEqual([400, { error: 'body is not valid JSON' }]);
    const twice = await usage(`{"eventId":"e-3",${fields},"quantity":1,"quantity":100}`);
    expect([twice.status, await twice.json()]).toEqual([
      400,
      { error: 'body has the key "quantity" twice in one object' },
    ]);
    const [line] = await chain.store.usageLines();
    expect([line?.micros, line?.events]).toEqual([1_500_000n, 1]);
  });

  it('refuses an unknown order (404), a SKU not ordered (400), and more than 1,000 events', async () => {
    const { id, usage, chain } = await usageChain();
    const unknown = await usage([event(id, 'a', 1), event('no-such-order', 'b', 1)]);
    expect(unknown.status).toBe(404);
    const sku = await usage(event(id, 'c', 1, { productSku: 'SKU-OTHER' }));
    expect(sku.status).toBe(400);
    const many = Array.from({ length: 1001 }, (_, i) => event(id, `m-${i}`, 1));
    expect((await usage(many)).status).toBe(400);
    expect(await chain.store.usageLines()).toEqual([]);
  });

  it('reports the open usage of terminated SKUs before their end; later usage is 409', async () => {
    const { chain, id, usage, close, reports } = await usageChain();
    await usage([event(id, 'e-1', 1.5), event(id, 'e-2', 4, { productSku: 'SKU-STORAGE' })]);
    const ended = await chain.api('POST', `/api/subscriptions/${id}/terminate`, {
      productSkus: ['SKU-SEATS'],
    });
    expect(ended.status).toBe(202);
    await chain.settled();
    const calls = (await (await fetch(`${chain.onramp}/_sandbox/calls`)).json()) as {
      id: number;
      endpoint: string;
      body: Record<string, unknown>;
    }[];
    const order = calls
      .filter((c) => c.endpoint !== 'SaasTrackings')
      .map((c) => [c.endpoint, c.body.usageCount ?? c.body.productSkus]);
    expect(order).toEqual([
      ['saas-usage', 1.5],
      ['saas-usage-end', ['SKU-SEATS']],
    ]);
    const later = await usage(event(id, 'e-3', 1));
    expect(later.status).toBe(409);
    // The month close reports the SKU still active, and not the terminated one again.
    await close('2026-07');
    await chain.settled();
    expect((await reports()).map((r) => [r.productSku, r.usageCount])).toEqual([
      ['SKU-SEATS', 1.5],
      ['SKU-STORAGE', 4],
    ]);
    const view = (await (await chain.api('GET', `/api/subscriptions/${id}`)).json()) as {
      usage: unknown[];
    };
    expect(view.usage).toEqual([
      expect.objectContaining({
        period: '2026-07',
        sku: 'SKU-SEATS',
        quantity: '1.5',
        report: expect.objectContaining({ state: 'delivered' }),
      }),
      expect.objectContaining({
        period: '2026-07',
        sku: 'SKU-STORAGE',
        quantity: '4',
        report: expect.objectContaining({ state: 'delivered' }),
      }),
    ]);
  });
});

describe('usage report delivery', () => {
  async function closedReport(mode: Record<string, unknown> | null) {
    const t = await usageChain();
    await t.usage(event(t.id, 'e-1', 3));
    if (mode) await t.chain.mode({ ...mode, endpoint: 'saas-usage' });
    await t.close('2026-07');
    return t;
  }
  const report = async (t: Awaited<ReturnType<typeof usageChain>>) =>
    (await t.chain.store.listRelays()).find((r) => r.kind === 'usage_report');

  it('a timeout is unconfirmed after exactly one call, and never resent by itself', async () => {
    const t = await closedReport({ mode: 'stall' });
    await waitFor(async () => (await report(t))?.status === 'unconfirmed', {
      message: 'unconfirmed',
    });
    const stats = await t.chain.stats();
    expect(stats.stalled).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await t.chain.stats()).stalled).toBe(1);
    expect(await report(t)).toMatchObject({ status: 'unconfirmed', attempts: 1 });
  });

  it('a 5xx is unconfirmed: the marketplace may have recorded it', async () => {
    const t = await closedReport({ mode: 'fail', status: 500 });
    await waitFor(async () => (await report(t))?.status === 'unconfirmed', {
      message: 'unconfirmed',
    });
    expect(await report(t)).toMatchObject({ attempts: 1, lastStatus: 500 });
    expect((await t.chain.stats()).failed).toBe(1);
  });

  it('a refused connection is retried and delivered once', async () => {
    const t = await usageChain();
    await t.usage(event(t.id, 'e-1', 3));
    await t.chain.down();
    await t.close('2026-07');
    await waitFor(async () => ((await report(t))?.attempts ?? 0) >= 2, { message: 'retried' });
    await t.chain.up();
    await waitFor(async () => (await report(t))?.status === 'delivered', { message: 'delivered' });
    expect((await t.reports()).map((r) => r.usageCount)).toEqual([3]);
  });

  it('a 429 is retried; a 400 is dead with its message', async () => {
    const t = await closedReport({ mode: 'fail', status: 429, count: 1 });
    await waitFor(async () => (await report(t))?.status === 'delivered', { message: 'delivered' });
    expect(await t.reports()).toHaveLength(1);
    const r = await closedReport({ mode: 'reject' });
    await waitFor(async () => (await report(r))?.status === 'dead', { message: 'dead' });
    expect(await report(r)).toMatchObject({ attempts: 1, lastStatus: 400 });
  });

  it('nothing is sent in the blackout; a report that waited is sent after it, marked late', async () => {
    const t = await usageChain('2026-07-31T19:00:00Z');
    await t.usage(event(t.id, 'e-1', 3));
    t.clock.set('2026-07-31T21:00:00Z');
    await t.close('2026-07', false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await t.reports()).toEqual([]);
    expect(await report(t)).toMatchObject({ status: 'pending', attempts: 0 });
    t.clock.set('2026-08-01T00:00:00Z');
    await waitFor(async () => (await report(t))?.status === 'delivered', { message: 'delivered' });
    expect(await report(t)).toMatchObject({ late: true });
    expect(await t.reports()).toHaveLength(1);
  });

  it('an operator confirms an unconfirmed report, or resends it', async () => {
    const t = await closedReport({ mode: 'fail', status: 502, count: 1 });
    await waitFor(async () => (await report(t))?.status === 'unconfirmed', {
      message: 'unconfirmed',
    });
    const id = (await report(t))?.id ?? 0;
    expect(await t.chain.store.resendReport(id, t.clock.now())).toBe(true);
    await waitFor(async () => (await report(t))?.status === 'delivered', { message: 'delivered' });
    expect(await t.chain.store.confirmReport(id, t.clock.now())).toBe(false);
    expect(await t.reports()).toHaveLength(1);
  });
});
