import { expect, PRODUCT, providerApi, test } from '../support/orders.js';
import { FIRST_CUSTOMER_ID } from '../support/provider.js';

// A provider still on v1 (seeds 003, 004): the sandbox's Buy sends seed 003's body and
// expects 201 {coid}; the collector's /update-subscription/ calls reach the same ledger.

const [SKU] = PRODUCT.skus as [string];

test.use({
  collectorEnv: { CLM_MARKETPLACE_API: 'v1', CLM_V1_SKUS: SKU },
  collectorFakeTime: '2026-07-15T17:00:00Z',
});

test('v1: Buy sends seed 003’s body, the account’s termination reaches the ledger and its bill', async ({
  page,
  sandbox,
  collector,
}) => {
  await page.goto(`${sandbox.url}/marketplace`);
  await page.locator('#resellerkey').fill('RK-1');
  await page.locator('#name').fill('Jo Buyer');
  await page.locator('#email').fill('jo@example.com');
  await page.locator('#buy').click();
  const coid = String(FIRST_CUSTOMER_ID);
  await expect(page.locator('#customer-id')).toHaveText(coid);
  expect(JSON.parse(sandbox.sent[0]?.body ?? '{}')).toEqual({
    resellerkey: 'RK-1',
    name: 'Jo Buyer',
    email: 'jo@example.com',
  });
  expect(sandbox.sent[0]?.status).toBe(201);

  const ended = await providerApi(collector, 'POST', `/api/subscriptions/${coid}/terminate`);
  expect(ended.status).toBe(202);
  await expect.poll(() => sandbox.calls('update-subscription')).toHaveLength(1);
  const [update] = await sandbox.calls('update-subscription');
  expect(await sandbox.ledger()).toEqual([
    expect.objectContaining({
      provisioningId: coid,
      customerId: coid,
      productSku: SKU,
      period: '2026-07',
      endedAt: update?.receivedAt,
      // The termination day the collector sent, the day of its fake clock in Chicago.
      endedOn: '2026-07-15',
    }),
  ]);
  expect(update?.body).toMatchObject({ expired: true, 'expired-date': '2026-07-15' });
  await page.locator('#bill-link').click();
  await expect(page.locator('#bill-order')).toHaveText(coid);
  await expect(page.locator('#bill-skus td[data-label="Billing starts"]')).toHaveText(
    'at the order (v1)',
  );
  await expect(page.locator('#bill-skus td[data-label="Terminated on"]')).toHaveText('2026-07-15');
});
