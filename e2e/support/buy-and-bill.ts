import type { Locator, Page } from '@playwright/test';
import { requestsDuring } from './beacons.js';
import type { CollectorProcess } from './collector.js';
import { signIn } from './orders.js';
import type { Sandbox } from './sandbox.js';

// The prelude of the order and usage journeys, as a buyer and a provider click through it:
// Buy on the sandbox's marketplace page, then Start billing on the collector's Orders page.

/** Buys the product on the marketplace page; resolves with the order's provisioningId. */
export async function buyOnMarketplace(
  page: Page,
  sandbox: Sandbox,
  email = 'buyer@example.com',
): Promise<string> {
  await page.goto(`${sandbox.url}/marketplace`);
  await page.locator('#contact-email').fill(email);
  await page.locator('#user-alias').fill('ABCD');
  await page.locator('#buy').click();
  return (await page.locator('#provisioning-id').textContent()) ?? '';
}

/** Signs in to the collector and opens its Orders page; resolves with the order's row. */
export async function orderRow(
  page: Page,
  collector: CollectorProcess,
  provisioningId: string,
): Promise<Locator> {
  await signIn(page, collector);
  await page.goto(`${collector.url}/admin/orders`);
  return page.locator(`tr[data-provisioning-id="${provisioningId}"]`);
}

/**
 * Presses a button of the collector's admin pages that posts a form, and waits for the page
 * it leads to; resolves with the POST requests it made.
 */
export const pressAndPost = (page: Page, collector: CollectorProcess, button: Locator) =>
  requestsDuring(
    page,
    collector.url,
    (request) => request.method() === 'POST',
    () => Promise.all([page.waitForEvent('load'), button.click()]),
  );

/** Presses Start billing on an order's row; resolves with the POST requests it made. */
export const pressStartBilling = (page: Page, collector: CollectorProcess, row: Locator) =>
  pressAndPost(page, collector, row.getByRole('button', { name: 'Start billing' }));
