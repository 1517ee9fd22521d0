import { pixelReady } from '../support/beacons.js';
import { readRelays } from '../support/db.js';
import { expect, test } from '../support/fixtures.js';

const TOKEN = 'e2e-admin-token-0123456789';
// Customer ids come from browsers: this one must show as text, never as markup.
const REJECTED = 'cust-<b>rejected</b>';

test.use({ collectorEnv: { CLM_ADMIN_TOKEN: TOKEN } });

test('the admin dashboard shows the funnel and retries a dead-lettered purchase', async ({
  page,
  site,
  collector,
  sandbox,
}, testInfo) => {
  // Four marketplace landings, each a new referral: four visit beacons.
  for (const ref of ['R-1', 'R-2', 'R-3', 'R-4']) {
    const visit = page.waitForResponse(
      (r) => r.url().endsWith('/beacon') && r.request().postData()?.includes('"visit"') === true,
    );
    await page.goto(`${site.url}/?clm_ref=${ref}`);
    expect((await visit).status()).toBe(204);
  }
  await pixelReady(page);

  // The onramp refuses the first purchase (4xx): dead-lettered. The second goes through.
  await sandbox.mode({ mode: 'reject' });
  await page.evaluate((id) => window.clmPixel?.purchase(id), REJECTED);
  await expect.poll(() => readRelays(collector.dbPath).map((r) => r.status)).toEqual(['dead']);
  await sandbox.mode({ mode: 'ok' });
  await page.evaluate(() => window.clmPixel?.purchase('cust-ok'));
  await expect
    .poll(() => readRelays(collector.dbPath).map((r) => r.status))
    .toEqual(['dead', 'delivered']);

  // Sign in through the form; a wrong token is refused first.
  await page.goto(`${collector.url}/admin`);
  await page.getByLabel('Admin token').fill('not-the-admin-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText(/not the admin token/);
  await page.getByLabel('Admin token').fill(TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Marketplace funnel' })).toBeVisible();
  // From here on nothing may fail to load (a CSP refusal, a missing stylesheet).
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });

  const kpi = (key: string) => page.locator(`[data-kpi="${key}"] .kpi-value`);
  await expect(kpi('visits')).toHaveText('4');
  await expect(kpi('purchases')).toHaveText('2');
  await expect(kpi('conversion')).toHaveText('50.0%');
  await expect(kpi('delivered')).toHaveText('1');
  await expect(kpi('pending')).toHaveText('0');
  await expect(kpi('dead')).toHaveText('1');
  // The stylesheet loaded under the page's CSP: the dead-letter card is red.
  await expect(page.locator('[data-kpi="dead"]')).toHaveCSS('border-top-color', 'rgb(214, 40, 40)');

  const chart = page.getByRole('img', { name: /^Marketplace funnel per day/ });
  await expect(chart).toBeVisible();
  await expect(chart).toHaveAttribute(
    'aria-label',
    /: 4 visits, 2 purchases: 1 relayed, 0 pending, 1 dead-lettered\.$/,
  );
  const marks = (selector: string) =>
    chart.locator(selector).evaluateAll((nodes) =>
      nodes.map((n) => {
        const { day, series, value } = (n as SVGElement).dataset;
        const { height } = n.getBoundingClientRect();
        return { day, series, value: Number(value), drawn: height > 0 };
      }),
    );
  const points = await marks('circle.point');
  expect(points).toHaveLength(30);
  expect(points.reduce((sum, p) => sum + p.value, 0)).toBe(4);
  const bars = await marks('rect.bar');
  expect(bars.map((b) => `${b.series}=${b.value}`).sort()).toEqual(['dead=1', 'delivered=1']);
  expect(bars.every((b) => b.drawn && b.day === points.at(-1)?.day)).toBe(true);

  const deadRow = page.locator('tr[data-status="dead"]');
  await expect(deadRow).toHaveCount(1);
  await expect(deadRow.locator('td.customer')).toHaveText(REJECTED);
  await expect(deadRow).toContainText('HTTP 400');
  await page.screenshot({
    path: process.env.ADMIN_SCREENSHOT ?? testInfo.outputPath('admin.png'),
    fullPage: true,
  });

  await deadRow.getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByRole('status')).toHaveText(/1 dead-lettered relay sent back/);
  // The page shows a snapshot: reload (a GET, after the 303) until the worker has sent it.
  await expect(async () => {
    await page.reload();
    await expect(kpi('delivered')).toHaveText('2', { timeout: 500 });
  }).toPass();
  await expect(page.locator('tr[data-status="dead"]')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Retry all dead-lettered (0)' })).toBeDisabled();
  // Told once, and not from the URL: the reloads above show no stale notice.
  expect(new URL(page.url()).search).toBe('?days=30');
  await expect(page.getByRole('status')).toHaveCount(0);
  const received = (await sandbox.received()).map((t) => t.customerId);
  expect(received.sort()).toEqual(['cust-<b>rejected</b>', 'cust-ok'].sort());
  expect(consoleErrors).toEqual([]);
});

test('admin pages refuse a form posted from another origin', async ({ page, site, collector }) => {
  // A provider page (another origin) posting the dashboard's retry form.
  await page.goto(site.url);
  const refused = page.waitForResponse(`${collector.url}/admin/relays/replay`);
  await page.evaluate((action) => {
    const form = document.createElement('form');
    form.method = 'post';
    form.action = action;
    document.body.append(form);
    form.submit();
  }, `${collector.url}/admin/relays/replay`);
  expect((await refused).status()).toBe(403);
  await expect(page.getByRole('heading', { name: 'Request refused' })).toBeVisible();
});

test.describe('without CLM_ADMIN_TOKEN', () => {
  test.use({ collectorEnv: {} });

  test('the admin page says admin is disabled', async ({ page, collector }) => {
    const response = await page.goto(`${collector.url}/admin`);
    expect(response?.status()).toBe(403);
    await expect(page.getByRole('heading', { name: 'Admin is disabled' })).toBeVisible();
    await expect(page.getByText('Set CLM_ADMIN_TOKEN')).toBeVisible();
  });
});
