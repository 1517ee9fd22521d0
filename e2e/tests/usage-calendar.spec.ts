import type { CollectorProcess } from '../support/collector.js';
import {
  buyOrder,
  countBy,
  expect,
  periodsOf,
  postUsage,
  reportKey,
  SEATS,
  STORAGE,
  test,
  USAGE_PRODUCT,
  usageOf,
  wireReports,
} from '../support/usage.js';
import type { Wire } from '../support/wire.js';

// The billing calendar on a real collector process whose wall clock starts at a chosen
// instant (libfaketime; its timers stay real, so the scheduler wakes when it would). The
// zone is the default, America/Chicago: periods close at 14:00 on the month's last day,
// 19:00Z in July (CDT). The July blackout is 15:45 CDT (20:45Z) to 18:00 "CST" (00:00Z).

const PROVIDER_KEY = 'PK-123';
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Checks, until the collector's clock reaches `until`, that no usage report has reached
 * the marketplace. The wire is read first, then the collector's clock (whole seconds, up
 * to a second stale): a reading at or before `until` − 2 s proves the calls counted were
 * made before `until`. Resolves with how long it watched (ms of the collector's clock).
 */
async function nothingSentBefore(
  collector: CollectorProcess,
  wire: Wire,
  until: number,
): Promise<number> {
  let first: number | undefined;
  let last = 0;
  for (;;) {
    const sent = wireReports(wire).length;
    const now = await collector.clock();
    first ??= now;
    if (now > until - 2000) break;
    expect(sent, `reports sent at ${iso(now)}, before ${iso(until)}`).toBe(0);
    last = now;
    // Polling, not waiting for something: how often the wire is looked at.
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return last - first;
}

/** When the collector logged that it closed `period` (its clock), if it did. */
const closedAt = (collector: CollectorProcess, period: string) =>
  collector.logs().find((entry) => entry.msg.startsWith(`closed ${period}:`))?.time;

test.describe.configure({ timeout: 90_000 });

test('at the 14:00 close: one exact report per order and SKU, none before 19:00Z, on a host in Tokyo', async ({
  launch,
  sandbox,
  wire,
}) => {
  // 13:59:30 in Chicago; the host's own zone is not Chicago's, which must not matter.
  const collector = await launch({
    fakeTime: '2026-07-31T18:59:30Z',
    env: { TZ: 'Asia/Tokyo' },
  });
  const close = Date.parse('2026-07-31T19:00:00Z');
  await expect.poll(() => collector.output()).toContain('next close 2026-07-31T19:00:00.000Z');

  const a = await buyOrder(collector);
  const b = await buyOrder(collector);
  const recorded = await postUsage(collector, [
    { provisioningId: a.provisioningId, productSku: SEATS, quantity: 0.1 },
    { provisioningId: a.provisioningId, productSku: SEATS, quantity: 0.2 },
    { provisioningId: a.provisioningId, productSku: STORAGE, quantity: 1.000001 },
    { provisioningId: a.provisioningId, productSku: STORAGE, quantity: 2.5 },
    { eventId: 'b-seats-1', provisioningId: b.provisioningId, productSku: SEATS, quantity: 7 },
  ]);
  expect(recorded.status).toBe(202);
  const events = recorded.body?.events as { result: string; period: string }[];
  expect(events.map((e) => [e.result, e.period])).toEqual(
    Array.from({ length: 5 }, () => ['recorded', '2026-07']),
  );
  // The provider's backend retries an event: counted once. B's storage has no usage.
  const repeat = await postUsage(collector, {
    eventId: 'b-seats-1',
    provisioningId: b.provisioningId,
    productSku: SEATS,
    quantity: 7,
  });
  expect(repeat.body?.events).toEqual([
    { eventId: 'b-seats-1', result: 'duplicate', period: '2026-07' },
  ]);

  const watched = await nothingSentBefore(collector, wire, close);
  expect(watched).toBeGreaterThan(15_000);

  await expect.poll(() => sandbox.calls('saas-usage'), { timeout: 20_000 }).toHaveLength(3);
  const closed = closedAt(collector, '2026-07');
  expect(closed, 'the close was logged').toBeDefined();
  expect(iso(closed as number) >= '2026-07-31T19:00:00.000Z').toBe(true);
  expect(closed as number).toBeLessThan(close + 2000);
  expect(collector.output()).toContain('closed 2026-07: 3 usage reports queued');

  const bodies = (await sandbox.calls('saas-usage')).map((call) => call.body);
  const base = { providerKey: PROVIDER_KEY, productId: USAGE_PRODUCT.id };
  expect(bodies).toEqual(
    expect.arrayContaining([
      { ...base, ...a, productSku: SEATS, usageCount: 0.3 },
      { ...base, ...a, productSku: STORAGE, usageCount: 3.500001 },
      { ...base, ...b, productSku: SEATS, usageCount: 7 },
    ]),
  );
  for (const body of bodies) {
    expect(Object.keys(body).sort()).toEqual([
      'customerId',
      'productId',
      'productSku',
      'providerKey',
      'provisioningId',
      'usageCount',
    ]);
  }
  // On the wire the sums are the exact decimals: 0.1 + 0.2 is 0.3, not 0.30000000000000004.
  const raw = wireReports(wire).map((report) => report.raw);
  expect(raw.some((text) => text.endsWith('"usageCount":0.3}'))).toBe(true);
  expect(raw.some((text) => text.endsWith('"usageCount":3.500001}'))).toBe(true);

  // Delivered after the close, on time (not late).
  for (const order of [a, b]) {
    for (const line of await usageOf(collector, order.provisioningId)) {
      expect(line.report).toMatchObject({ state: 'delivered', status: 'delivered', late: false });
      expect((line.report.deliveredAt ?? '') >= '2026-07-31T19:00:00.000Z').toBe(true);
    }
  }
  // Usage arriving after its period's report counts in the next period.
  const after = await postUsage(collector, {
    provisioningId: a.provisioningId,
    productSku: SEATS,
    quantity: 1,
  });
  expect(periodsOf(after)).toEqual(['2026-08']);

  // Watching that nothing more is sent: a fixed wait is the only way to see nothing happen.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const perReport = countBy(wireReports(wire), (report) => reportKey(report.body));
  expect([...perReport.values()]).toEqual([1, 1, 1]);
  expect(await sandbox.calls('saas-usage')).toHaveLength(3);
  console.log(
    `[usage-calendar] close at 19:00Z: nothing sent over ${(watched / 1000).toFixed(0)} s before; ` +
      `closed at ${iso(closed as number)}; saas-usage 3 calls, 1 per (order, SKU, 2026-07)`,
  );
});

test('inside the blackout (20:50Z = 15:50 CDT): the overdue July close waits and nothing is sent', async ({
  launch,
  sandbox,
  wire,
}) => {
  const collector = await launch({ fakeTime: '2026-07-31T20:50:00Z' });
  const order = await buyOrder(collector, [SEATS]);
  const recorded = await postUsage(collector, {
    provisioningId: order.provisioningId,
    productSku: SEATS,
    quantity: 2.25,
  });
  expect(periodsOf(recorded)).toEqual(['2026-07']);

  // July's close time (19:00Z) has passed, but it is 15:50 in Chicago: the blackout. Watching
  // that nothing is sent takes a fixed wait: the scheduler ran at start and the relay worker
  // polls every 100 ms, so 5 s is dozens of chances to send.
  await new Promise((resolve) => setTimeout(resolve, 5000));
  expect(wireReports(wire)).toEqual([]);
  expect(await sandbox.calls('saas-usage')).toEqual([]);
  expect(closedAt(collector, '2026-07')).toBeUndefined();
  const [line] = await usageOf(collector, order.provisioningId);
  expect(line).toMatchObject({ period: '2026-07', quantity: '2.25' });
  expect(line?.report.state).toBe('not-reported');
  expect(await collector.clock()).toBeLessThan(Date.parse('2026-07-31T20:56:00Z'));
  console.log('[usage-calendar] 20:50Z in the blackout: 5 s, saas-usage 0 calls, July not closed');
});

test('late in the blackout (23:59:40Z = 17:59:40 "CST"): the report goes out at 00:00Z, marked late', async ({
  launch,
  sandbox,
  wire,
}) => {
  const collector = await launch({ fakeTime: '2026-07-31T23:59:40Z' });
  const end = Date.parse('2026-08-01T00:00:00Z');
  const order = await buyOrder(collector, [SEATS]);
  await postUsage(collector, [
    { provisioningId: order.provisioningId, productSku: SEATS, quantity: 0.7 },
    { provisioningId: order.provisioningId, productSku: SEATS, quantity: 0.1 },
  ]);
  const watched = await nothingSentBefore(collector, wire, end);
  await expect.poll(() => sandbox.calls('saas-usage'), { timeout: 20_000 }).toHaveLength(1);
  const closed = closedAt(collector, '2026-07') as number;
  expect(iso(closed) >= '2026-08-01T00:00:00.000Z').toBe(true);
  const [call] = await sandbox.calls('saas-usage');
  expect(call?.body).toStrictEqual({
    providerKey: PROVIDER_KEY,
    ...order,
    productSku: SEATS,
    productId: USAGE_PRODUCT.id,
    usageCount: 0.8,
  });
  await expect
    .poll(async () => (await usageOf(collector, order.provisioningId))[0]?.report)
    .toMatchObject({ state: 'delivered', late: true });
  const [line] = await usageOf(collector, order.provisioningId);
  expect((line?.report.deliveredAt ?? '') >= '2026-08-01T00:00:00.000Z').toBe(true);
  console.log(
    `[usage-calendar] 23:59:40Z: nothing sent over ${(watched / 1000).toFixed(0)} s of blackout; ` +
      `closed at ${iso(closed)}; saas-usage 1 call, late`,
  );
});

test('a collector down at the close: June closes when it starts in July, once, marked late', async ({
  launch,
  sandbox,
  wire,
}) => {
  // June 30, 11:00 in Chicago: June's usage, then the collector stops before its close.
  const collector = await launch({ fakeTime: '2026-06-30T16:00:00Z' });
  const order = await buyOrder(collector);
  const recorded = await postUsage(collector, [
    {
      provisioningId: order.provisioningId,
      productSku: SEATS,
      quantity: 3,
      occurredAt: '2026-06-01T05:00:00Z', // 00:00 CDT: June's first minute
    },
    { provisioningId: order.provisioningId, productSku: SEATS, quantity: 0.000001 },
    { provisioningId: order.provisioningId, productSku: STORAGE, quantity: 12.5 },
  ]);
  expect(periodsOf(recorded)).toEqual(['2026-06', '2026-06', '2026-06']);
  expect(await collector.kill('SIGTERM')).toBe(0);
  expect(wireReports(wire)).toEqual([]);

  // July 1, 10:00 in Chicago, outside any blackout: June is overdue and closes at start.
  await collector.restart({ fakeTime: '2026-07-01T15:00:00Z' });
  await expect.poll(() => sandbox.calls('saas-usage')).toHaveLength(2);
  const closed = closedAt(collector, '2026-06') as number;
  expect(closed).toBeGreaterThanOrEqual(Date.parse('2026-07-01T15:00:00Z'));
  expect(closed).toBeLessThan(Date.parse('2026-07-01T15:00:30Z'));
  const bodies = (await sandbox.calls('saas-usage')).map((call) => call.body);
  const base = { providerKey: PROVIDER_KEY, ...order, productId: USAGE_PRODUCT.id };
  expect(bodies).toEqual(
    expect.arrayContaining([
      { ...base, productSku: SEATS, usageCount: 3.000001 },
      { ...base, productSku: STORAGE, usageCount: 12.5 },
    ]),
  );
  // Sent after June's blackout began, so it lands on the next bill: late.
  await expect
    .poll(async () => (await usageOf(collector, order.provisioningId)).map((l) => l.report.late))
    .toEqual([true, true]);
  const perReport = countBy(wireReports(wire), (report) => reportKey(report.body));
  expect([...perReport.values()]).toEqual([1, 1]);
  console.log(
    `[usage-calendar] down at June's close, started 2026-07-01T15:00Z: closed at ${iso(closed)}; ` +
      'saas-usage 2 calls, 1 per (order, SKU, 2026-06), late',
  );
});
