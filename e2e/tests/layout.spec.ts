import { randomUUID } from 'node:crypto';
import type { Page } from '@playwright/test';
import { pixelReady } from '../support/beacons.js';
import { readRelays } from '../support/db.js';
import {
  expect,
  orderBody,
  PRODUCT,
  providerApi,
  provision,
  signIn,
  test,
} from '../support/orders.js';

// The dashboard and the sandbox at a phone's width and a desktop's: nothing may push the
// page sideways. Screenshots go to $LAYOUT_SCREENSHOTS (default /tmp) to be looked at.
const WIDTHS = [390, 1280] as const;
const SHOTS = process.env.LAYOUT_SCREENSHOTS ?? '/tmp';

// Long values, as real ones can be: they must wrap, not widen the page.
const LONG_CUSTOMER = 'customer-with-a-rather-long-identifier-0123456789@accounts.example.com';

/** Elements sticking out of the viewport on either side (none expected). */
async function overflowing(page: Page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const nameOf = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}`;
    const wide: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 && rect.height === 0) continue;
      if (rect.width > width + 0.5 || rect.left < -0.5 || rect.right > width + 0.5) {
        wide.push(`${nameOf(el)} (${Math.round(rect.left)}–${Math.round(rect.right)} px)`);
      }
      // A box that scrolls sideways hides part of what it holds, page scroll or not.
      const { overflowX } = getComputedStyle(el);
      if (overflowX !== 'visible' && el.clientWidth > 1 && el.scrollWidth > el.clientWidth + 1) {
        wide.push(`${nameOf(el)} scrolls sideways (${el.scrollWidth} px in ${el.clientWidth} px)`);
      }
    }
    return {
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      wide: wide.slice(0, 10),
    };
  });
}

async function checkLayout(page: Page, url: string, name: string) {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(url);
    const { scrollWidth, innerWidth, wide } = await overflowing(page);
    await page.screenshot({ path: `${SHOTS}/layout-${name}-${width}.png`, fullPage: true });
    expect.soft(wide, `${name} at ${width} px: elements wider than the viewport`).toEqual([]);
    expect
      .soft(scrollWidth, `${name} at ${width} px: horizontal scroll`)
      .toBeLessThanOrEqual(innerWidth);
  }
}

test('the dashboard and the sandbox fit a phone and a desktop', async ({
  page,
  site,
  collector,
  sandbox,
  provider,
}) => {
  test.setTimeout(60_000);
  // The funnel: marketplace landings, a purchase refused by the onramp, one relayed.
  for (const ref of ['R-1', 'R-2']) {
    await page.goto(`${site.url}/?clm_ref=${ref}&utm_source=clm-marketplace`);
  }
  await pixelReady(page);
  await sandbox.mode({ mode: 'reject' });
  await page.evaluate((id) => window.clmPixel?.purchase(id), `${LONG_CUSTOMER}-refused`);
  await expect.poll(() => readRelays(collector.dbPath).map((r) => r.status)).toEqual(['dead']);
  await sandbox.mode({ mode: 'ok' });
  // The second from the provider's backend, as a purchase confirmed after payment.
  const reported = await providerApi(collector, 'POST', '/api/purchases', {
    customerId: LONG_CUSTOMER,
    serviceName: 'acme-crm',
  });
  expect(reported.status).toBeLessThan(300);
  await expect
    .poll(() => readRelays(collector.dbPath).map((r) => r.status))
    .toEqual(['dead', 'delivered']);

  // An order whose billing start the marketplace refuses: money in doubt, first on the dashboard.
  const refused = JSON.parse(orderBody());
  expect((await provision(collector, JSON.stringify(refused))).status).toBe(200);
  await sandbox.mode({ mode: 'reject', endpoint: 'start-billing', count: 1 });
  await providerApi(collector, 'POST', '/api/billing/start', {
    provisioningId: refused.provisioningId,
  });
  await expect
    .poll(() => readRelays(collector.dbPath).filter((r) => r.status === 'dead').length)
    .toBe(2);

  // An order with billing started and usage, and one the provider refused at length.
  const order = JSON.parse(orderBody());
  expect((await provision(collector, JSON.stringify(order))).status).toBe(200);
  await providerApi(collector, 'POST', '/api/billing/start', {
    provisioningId: order.provisioningId,
  });
  for (const quantity of [1.5, 2.25]) {
    const used = await providerApi(collector, 'POST', '/api/usage', {
      eventId: randomUUID(),
      provisioningId: order.provisioningId,
      productSku: PRODUCT.skus[0],
      quantity,
    });
    expect(used.status).toBeLessThan(300);
  }
  provider.answer = () => ({
    status: 400,
    body: {
      message:
        'The contact email belongs to a domain we do not serve; please order with your work address or contact sales@provider.example for an exception.',
    },
  });
  expect((await provision(collector, orderBody())).status).toBe(400);
  await expect.poll(async () => (await sandbox.calls('start-billing')).length).toBeGreaterThan(0);

  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, collector);
  await checkLayout(page, `${collector.url}/admin`, 'admin');
  await expect(page.locator('[data-money-in-doubt]')).toContainText('1 billing start dead');
  await checkLayout(page, `${collector.url}/admin/orders`, 'orders');
  await checkLayout(page, `${collector.url}/admin/usage`, 'usage');
  await checkLayout(page, `${sandbox.url}/`, 'sandbox');
  await checkLayout(page, `${sandbox.url}/marketplace`, 'marketplace');
  const bill = `${sandbox.url}/marketplace/orders/${encodeURIComponent(order.provisioningId)}/bill`;
  await checkLayout(page, bill, 'bill');
});
