import type { CollectorProcess } from '../support/collector.js';
import { pressConfirm } from '../support/confirm.js';
import { readUsageReports, type UsageReportRow } from '../support/db.js';
import { signIn } from '../support/orders.js';
import {
  buyOrder,
  countBy,
  expect,
  type LaunchOptions,
  periodsOf,
  postUsage,
  reportKey,
  SEATS,
  STORAGE,
  sandboxStats,
  test,
  type UsageEvent,
  usageOf,
  wireReports,
} from '../support/usage.js';

// The month close under faults, on real collector processes with faked wall clocks. Each
// test records June's usage on June 30 at 12:00 in Chicago, stops the collector, sets the
// fault, and starts it again at 13:59:58: June closes at 14:00 (19:00Z), with the fault in
// place. Every report that reaches the marketplace is counted on the wire in front of the
// sandbox, per (order, SKU); all of them are June's (2026-06), so that is per period too.

const SETUP_AT = '2026-06-30T17:00:00Z';
const CLOSE_AT = '2026-06-30T18:59:58Z';
const PERIOD = '2026-06';

/** A report row's key, like {@link reportKey} of a body. */
const rowKey = (row: UsageReportRow) => `${row.order_id} ${row.sku}`;

const statusCounts = (rows: UsageReportRow[]) =>
  Object.fromEntries([...countBy(rows, (row) => row.status)].sort());

/**
 * Starts a collector on June 30 at 12:00 CDT, buys `orders` orders of both SKUs, records
 * their June usage, and stops it (SIGTERM) before the close. Resolves with the collector
 * (stopped; `restart` it at the close) and each (order, SKU)'s expected sum.
 */
async function juneUsage(
  launch: (options?: LaunchOptions) => Promise<CollectorProcess>,
  orders: number,
  env: Record<string, string> = {},
) {
  const collector = await launch({ fakeTime: SETUP_AT, env });
  const bought = await Promise.all(Array.from({ length: orders }, () => buyOrder(collector)));
  const events: UsageEvent[] = [];
  const expected = new Map<string, number>();
  bought.forEach(({ provisioningId }, i) => {
    // 0.1 + 0.2 for seats; i + 0.000001 GB for storage: sums a float would get wrong.
    events.push({ provisioningId, productSku: SEATS, quantity: 0.1 });
    events.push({ provisioningId, productSku: SEATS, quantity: 0.2 });
    events.push({ provisioningId, productSku: STORAGE, quantity: i + 1 });
    events.push({ provisioningId, productSku: STORAGE, quantity: 0.000001 });
    expected.set(`${provisioningId} ${SEATS}`, 0.3);
    expected.set(`${provisioningId} ${STORAGE}`, Number(`${i + 1}.000001`));
  });
  const recorded = await postUsage(collector, events);
  expect(recorded.status).toBe(202);
  expect(new Set(periodsOf(recorded))).toEqual(new Set([PERIOD]));
  expect(await collector.kill('SIGTERM')).toBe(0);
  return { collector, orders: bought, expected };
}

const reports = (collector: CollectorProcess) => readUsageReports(collector.dbPath);

test.describe.configure({ timeout: 60_000 });

test('the marketplace stalls past CLM_RELAY_TIMEOUT_MS: one call, unconfirmed, never resent', async ({
  launch,
  sandbox,
  wire,
  page,
}) => {
  const { collector, orders } = await juneUsage(launch, 1, { CLM_RELAY_TIMEOUT_MS: '500' });
  const order = orders[0] as { provisioningId: string };
  await sandbox.mode({ mode: 'stall', endpoint: 'saas-usage' });
  await collector.restart({ fakeTime: CLOSE_AT });

  await expect
    .poll(() => statusCounts(reports(collector)), { timeout: 15_000 })
    .toEqual({
      unconfirmed: 2,
    });
  // Watching that nothing is resent: a fixed wait (the worker polls every 100 ms).
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const rows = reports(collector);
  expect(rows.map((row) => [row.status, row.attempts, row.period])).toEqual([
    ['unconfirmed', 1, PERIOD],
    ['unconfirmed', 1, PERIOD],
  ]);
  for (const row of rows) expect(row.last_error).toContain('timed out after 500 ms');
  const perReport = countBy(wireReports(wire), (report) => reportKey(report.body));
  expect([...perReport.values()]).toEqual([1, 1]);
  expect((await sandboxStats(sandbox)).stalled).toBe(2);
  expect(await sandbox.calls('saas-usage')).toEqual([]);
  // The provider API tells the provider what happened.
  const lines = await usageOf(collector, order.provisioningId);
  expect(lines.map((line) => line.report.status)).toEqual(['unconfirmed', 'unconfirmed']);
  // And the dashboard says so on its first screen, with what to do.
  await signIn(page, collector);
  const doubt = page.locator('[data-money-in-doubt]');
  await expect(doubt.getByRole('heading')).toHaveText('Money in doubt: 2 billing calls');
  await expect(doubt).toBeInViewport();
  await expect(doubt).toContainText('2 usage reports unconfirmed.');
  await expect(doubt.getByRole('link', { name: 'Usage page' }).first()).toHaveAttribute(
    'href',
    `/admin/usage?period=${PERIOD}`,
  );
  console.log(
    '[usage-faults] stall past 500 ms: wire 1 call per (order, SKU, 2026-06) × 2, sandbox stalled 2, ' +
      'accepted 0; both unconfirmed after 1 attempt, none resent in 3 s',
  );
});

test('connection refused at the close: retried until the marketplace is back, delivered once', async ({
  launch,
  sandbox,
  wire,
}) => {
  const { collector, expected } = await juneUsage(launch, 1);
  await wire.down();
  await collector.restart({ fakeTime: CLOSE_AT });
  // Refused again and again: each attempt certainly did not arrive, so it is retried.
  const fewestAttempts = () => {
    const rows = reports(collector);
    return rows.length === 2 ? Math.min(...rows.map((row) => row.attempts)) : 0;
  };
  await expect.poll(fewestAttempts, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
  expect(wire.calls).toEqual([]);
  expect(statusCounts(reports(collector))).not.toHaveProperty('unconfirmed');
  const refused = reports(collector).map((row) => row.attempts);
  await wire.up();

  await expect.poll(() => statusCounts(reports(collector))).toEqual({ delivered: 2 });
  const calls = await sandbox.calls('saas-usage');
  expect(calls).toHaveLength(2);
  for (const call of calls) expect(call.body.usageCount).toBe(expected.get(reportKey(call.body)));
  const perReport = countBy(wireReports(wire), (report) => reportKey(report.body));
  expect([...perReport.values()]).toEqual([1, 1]);
  const attempts = reports(collector).map((row) => row.attempts);
  console.log(
    `[usage-faults] connection refused: ${refused.join(' and ')} refused attempts before the ` +
      `marketplace came back, ${attempts.join(' and ')} in all; wire and sandbox 1 call per ` +
      '(order, SKU, 2026-06) × 2, both delivered',
  );
});

test('the marketplace answers 400: the report is dead with its message, sent once', async ({
  page,
  launch,
  sandbox,
  wire,
}) => {
  const { collector, orders } = await juneUsage(launch, 1);
  const order = orders[0] as { provisioningId: string };
  await sandbox.mode({ mode: 'reject', endpoint: 'saas-usage' });
  await collector.restart({ fakeTime: CLOSE_AT });

  await expect
    .poll(() => statusCounts(reports(collector)), { timeout: 15_000 })
    .toEqual({
      dead: 2,
    });
  // Watching that nothing is resent: a fixed wait (the worker polls every 100 ms).
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const rows = reports(collector);
  expect(rows.map((row) => [row.status, row.attempts, row.last_status])).toEqual([
    ['dead', 1, 400],
    ['dead', 1, 400],
  ]);
  // Kept with the marketplace's own message, for the operator.
  for (const row of rows) {
    expect(row.last_error).toContain('HTTP 400');
    expect(row.last_body).toContain('sandbox reject mode: usage refused');
  }
  const perReport = countBy(wireReports(wire), (report) => reportKey(report.body));
  expect([...perReport.values()]).toEqual([1, 1]);
  expect((await sandboxStats(sandbox)).rejected).toBe(2);
  const lines = await usageOf(collector, order.provisioningId);
  expect(lines.map((line) => line.report.state)).toEqual(['failed', 'failed']);
  console.log(
    '[usage-faults] 400: wire 1 call per (order, SKU, 2026-06) × 2, sandbox rejected 2; both dead ' +
      'after 1 attempt with the message',
  );

  // Never to be billed: the operator writes both off from the dashboard, after a confirm page.
  await signIn(page, collector);
  const alert = page.locator('section.money-in-doubt');
  await expect(alert.locator('h2')).toHaveText('Money in doubt: 2 billing calls');
  await Promise.all([
    page.waitForEvent('load'),
    alert.getByRole('button', { name: 'Write off these 2' }).click(),
  ]);
  await expect(page.locator('.confirm-summary')).toContainText(
    'This sends nothing to the marketplace: the 2 calls below are kept dead and never sent',
  );
  await expect(page.locator('table.confirm-calls tbody tr')).toHaveCount(2);
  await pressConfirm(page);
  await expect(page.getByRole('status')).toHaveText(/^2 billing calls written off/);
  await expect(alert).toHaveCount(0);
  // Told once: a reload shows the state (nothing in doubt), not the notice again.
  await page.reload();
  await expect(page.getByRole('status')).toHaveCount(0);
  expect(reports(collector).map((row) => [row.status, row.last_error?.split(':')[0]])).toEqual([
    ['dead', 'written off by an operator, not billed'],
    ['dead', 'written off by an operator, not billed'],
  ]);
  expect(wireReports(wire)).toHaveLength(2);
});

test('SIGKILL while 60 reports are being sent: after a restart none is sent twice and none is lost', async ({
  launch,
  sandbox,
  wire,
}) => {
  test.setTimeout(90_000);
  const { collector, expected } = await juneUsage(launch, 30, { CLM_RELAY_CONCURRENCY: '8' });
  // A slow marketplace: each report is held 400 ms, so several are in flight at any time.
  wire.delayMs = 400;
  await collector.restart({ fakeTime: CLOSE_AT });
  await expect
    .poll(() => wireReports(wire).length, { timeout: 20_000, intervals: [20] })
    .toBeGreaterThanOrEqual(20);
  expect(await collector.kill('SIGKILL')).toBeNull();
  const arrivedAtKill = wireReports(wire).length;
  const atKill = statusCounts(reports(collector));

  await collector.restart({ fakeTime: '2026-06-30T19:02:00Z' });
  await expect
    .poll(() =>
      reports(collector).filter((r) => r.status === 'pending' || r.status === 'in_flight'),
    )
    .toEqual([]);
  // Reports in flight at the kill still reach the sandbox (the wire passes them on).
  await expect
    .poll(async () => (await sandbox.calls('saas-usage')).length)
    .toBe(wireReports(wire).length);

  const rows = reports(collector);
  const counts = statusCounts(rows);
  expect(rows).toHaveLength(60);
  expect(new Set(rows.map(rowKey))).toEqual(new Set(expected.keys()));
  expect(rows.every((row) => row.period === PERIOD)).toBe(true);
  expect((counts.delivered ?? 0) + (counts.unconfirmed ?? 0)).toBe(60);
  expect(counts.unconfirmed ?? 0).toBeGreaterThan(0);

  const onWire = countBy(wireReports(wire), (report) => reportKey(report.body));
  const calls = await sandbox.calls('saas-usage');
  const inSandbox = countBy(calls, (call) => reportKey(call.body));
  expect(Math.max(...onWire.values()), 'calls per (order, SKU, period) on the wire').toBe(1);
  expect(Math.max(...inSandbox.values()), 'calls per (order, SKU, period) in the sandbox').toBe(1);
  for (const row of rows) {
    if (row.status === 'delivered') expect(inSandbox.get(rowKey(row))).toBe(1);
  }
  for (const call of calls) expect(call.body.usageCount).toBe(expected.get(reportKey(call.body)));

  const unconfirmed = rows.filter((row) => row.status === 'unconfirmed');
  const unconfirmedArrived = unconfirmed.filter((row) => onWire.has(rowKey(row))).length;
  const histogram = countBy([...expected.keys()], (key) => String(onWire.get(key) ?? 0));
  console.log(
    `[usage-faults] SIGKILL after ${arrivedAtKill} of 60 reports reached the marketplace ` +
      `(store at the kill: ${JSON.stringify(atKill)}); after restart: ` +
      `${JSON.stringify(counts)}; ${unconfirmed.length} unconfirmed, of which ` +
      `${unconfirmedArrived} did reach the marketplace; calls per (order, SKU, 2026-06): ` +
      `${[...histogram].map(([n, keys]) => `${keys} × ${n}`).join(', ')}; never 2`,
  );
});
