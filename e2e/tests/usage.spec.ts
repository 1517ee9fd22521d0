import { requestsDuring } from '../support/beacons.js';
import { buyOnMarketplace, orderRow, pressStartBilling } from '../support/buy-and-bill.js';
import { confirmForm, pressConfirm } from '../support/confirm.js';
import { expect, PRODUCT, PROVIDER_KEY, providerApi, test } from '../support/orders.js';
import { FIRST_CUSTOMER_ID } from '../support/provider.js';

// The demo's usage flow in a real Chromium: Buy on the sandbox's marketplace page, Start
// billing on the Orders page, usage from the provider's backend (as the demo site posts
// it), then Close the month now on the Usage page, and the sandbox's /saas-usage/ record.
// The collector runs on a faked clock, mid-July (12:00 in Chicago), so the run never falls
// in a real month-end blackout, whenever CI runs it.

const [SKU] = PRODUCT.skus as [string];

test.use({ collectorFakeTime: '2026-07-15T17:00:00Z' });

test('Buy, Start billing, usage, Close the month now: one exact /saas-usage/ and the page says sent', async ({
  page,
  sandbox,
  collector,
}, testInfo) => {
  test.setTimeout(60_000);
  const provisioningId = await buyOnMarketplace(page, sandbox);
  const customerId = String(FIRST_CUSTOMER_ID);
  await expect(page.locator('#customer-id')).toHaveText(customerId);

  await pressStartBilling(page, collector, await orderRow(page, collector, provisioningId));
  await pressConfirm(page);
  await expect.poll(() => sandbox.calls('start-billing')).toHaveLength(1);

  // The provider's backend reports usage (the demo site's "Use 1.5 GB" button does this).
  const usage = await providerApi(collector, 'POST', '/api/usage', [
    { eventId: 'demo-use-1', provisioningId, productSku: SKU, quantity: 1.5 },
    { eventId: 'demo-use-2', provisioningId, productSku: SKU, quantity: 0.1 },
    { eventId: 'demo-use-3', provisioningId, productSku: SKU, quantity: 0.2 },
  ]);
  expect(usage.status).toBe(202);
  expect(usage.body?.events).toEqual([
    { eventId: 'demo-use-1', result: 'recorded', period: '2026-07' },
    { eventId: 'demo-use-2', result: 'recorded', period: '2026-07' },
    { eventId: 'demo-use-3', result: 'recorded', period: '2026-07' },
  ]);

  await page.goto(`${collector.url}/admin/usage`);
  const line = page.locator(
    `tr[data-period="2026-07"][data-provisioning-id="${provisioningId}"][data-sku="${SKU}"]`,
  );
  await expect(line.locator('.quantity')).toHaveText('1.8');
  await expect(line.locator('.report-state')).toHaveText('not reported');
  expect(await sandbox.calls('saas-usage')).toEqual([]);

  await Promise.all([
    page.waitForEvent('load'),
    page.getByRole('button', { name: 'Close the month now' }).click(),
  ]);
  // The confirm page names the one report and its exact sum before anything is sent.
  await expect(page.locator('.confirm-summary')).toContainText('This sends 1 call');
  await expect(page.locator('table.confirm-calls tbody tr')).toHaveText([
    `2026-07${provisioningId}${customerId}${SKU}1.8`,
  ]);
  expect(await sandbox.calls('saas-usage')).toEqual([]);
  const confirmation = await confirmForm(page);
  const posted = await requestsDuring(
    page,
    collector.url,
    (request) => request.method() === 'POST',
    () => pressConfirm(page),
  );
  expect(posted.map((request) => new URL(request.url()).pathname)).toEqual(['/admin/usage/close']);
  await expect(page.getByRole('status')).toContainText('Closed 2026-07 early');
  // The notice is not in the URL: a shared link or the history cannot bring it back.
  expect(page.url()).toBe(`${collector.url}/admin/usage`);

  await expect.poll(() => sandbox.calls('saas-usage')).toHaveLength(1);
  const [report] = await sandbox.calls('saas-usage');
  expect(report?.body).toStrictEqual({
    providerKey: PROVIDER_KEY,
    customerId,
    provisioningId,
    productSku: SKU,
    productId: PRODUCT.id,
    usageCount: 1.8,
  });
  // The confirmation posted again (a replay): already done, no second report.
  const replayed = await page.request.post(`${collector.url}${confirmation.action}`, {
    form: confirmation.form,
    headers: { origin: collector.url },
    maxRedirects: 0,
  });
  expect(replayed.headers().location).toBe('/admin/usage');
  expect(await sandbox.calls('saas-usage')).toHaveLength(1);
  // The page is a snapshot: reload until the relay's outcome is recorded.
  await expect(async () => {
    await page.reload();
    await expect(line.locator('.report-state')).toHaveText('sent', { timeout: 500 });
  }).toPass();
  // Each notice is told once: after a reload there is none, stale or "already done".
  await page.reload();
  await expect(page.getByRole('status')).toHaveCount(0);
  await page.screenshot({
    path: process.env.USAGE_SCREENSHOT ?? testInfo.outputPath('usage.png'),
    fullPage: true,
  });

  // Usage after the early close counts in August; nothing more went to the marketplace.
  const later = await providerApi(collector, 'POST', '/api/usage', {
    eventId: 'demo-use-4',
    provisioningId,
    productSku: SKU,
    quantity: 1.5,
  });
  expect(later.body?.events).toEqual([
    { eventId: 'demo-use-4', result: 'recorded', period: '2026-08' },
  ]);
  expect((await sandbox.calls()).map((call) => call.endpoint)).toEqual([
    'start-billing',
    'saas-usage',
  ]);

  // The marketplace's books: the order's Bill page, from the marketplace page's order list,
  // and the ledger, on the collector's (faked) July clock.
  const [start] = await sandbox.calls('start-billing');
  expect(await sandbox.ledger()).toEqual([
    {
      provisioningId,
      customerId,
      productSku: SKU,
      period: '2026-07',
      billingStartedAt: start?.receivedAt,
      usageCount: 1.8,
      reports: 1,
      lateReports: 0,
      negativeReports: 0,
      endedAt: null,
      endedOn: null,
    },
  ]);
  // The collector's reconciliation, downloaded from the Usage page: the ledger's line, column
  // for column (its start by the collector's faked clock, the sandbox's by its own).
  const download = await page.request.get(`${collector.url}/admin/usage/reconciliation.json`);
  const { lines } = (await download.json()) as { lines: Record<string, unknown>[] };
  const { negativeReports, endedOn, ...ledgerLine } = (await sandbox.ledger())[0] ?? {};
  expect(lines).toEqual([{ ...ledgerLine, billingStartedAt: expect.any(String) }]);
  const apart =
    Date.parse(String(lines[0]?.billingStartedAt)) - Date.parse(start?.receivedAt ?? '');
  expect(Math.abs(apart)).toBeLessThan(5000);
  await page.goto(`${sandbox.url}/marketplace`);
  await page.locator('#orders').getByRole('link', { name: provisioningId }).click();
  await expect(page.locator('#bill-order')).toHaveText(provisioningId);
  const month = page.locator('#bill-lines tbody tr');
  await expect(month).toHaveCount(1);
  await expect(month.locator('td')).toHaveText(['2026-07', SKU, '1.8', '1', '0', '0']);
  await expect(page.locator('#bill-skus td[data-label="Billing starts"]')).toHaveText(
    'when the provider starts it',
  );
  console.log(
    '[usage] Buy → Start billing → 3 usage events → Close the month now: start-billing 1, ' +
      'saas-usage 1 (usageCount 1.8), Usage page "sent", Bill page 2026-07 1.8',
  );
});
