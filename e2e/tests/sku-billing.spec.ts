import { pressConfirm } from '../support/confirm.js';
import {
  expect,
  orderBody,
  PRODUCT,
  providerApi,
  provision,
  signIn,
  subscription,
  test,
} from '../support/orders.js';

// A SKU the marketplace starts on the 1st of next month (CLM_SKU_BILLING): the Orders page
// says when, offers Start now instead of Start billing, and Start now sends /start-billing/.

const [SKU] = PRODUCT.skus as [string];

test.use({ collectorEnv: { CLM_SKU_BILLING: `${SKU}=next-month` } });

test('a next-month SKU shows when it starts, and Start now starts it early', async ({
  page,
  sandbox,
  collector,
}) => {
  const body = orderBody();
  const { provisioningId } = JSON.parse(body) as { provisioningId: string };
  expect((await provision(collector, body)).status).toBe(200);
  const { body: view } = await subscription(collector, provisioningId);
  const skus = (view?.skus ?? []) as { billingStartsAt: string }[];
  const startsAt = skus[0]?.billingStartsAt ?? '';
  // Midnight in Chicago on a 1st: 05:00 or 06:00 UTC.
  expect(startsAt).toMatch(/^\d{4}-\d\d-01T0[56]:00:00\.000Z$/);
  // The marketplace's books start the SKU at the same instant the collector says.
  expect(await sandbox.ledger()).toEqual([
    expect.objectContaining({ provisioningId, productSku: SKU, billingStartedAt: startsAt }),
  ]);

  // Named by no one, the scheduled SKU is left to its schedule.
  const none = await providerApi(collector, 'POST', '/api/billing/start', { provisioningId });
  expect(none.status).toBe(409);

  await signIn(page, collector);
  await page.goto(`${collector.url}/admin/orders`);
  const row = page.locator(`tr[data-provisioning-id="${provisioningId}"]`);
  const billingState = row.locator(`.billing-state[data-sku="${SKU}"]`);
  await expect(billingState).toHaveText(
    /^billing starts \d{4}-\d\d-01 00:00 C[DS]T \(next-month\)$/,
  );
  await expect(row.getByRole('button', { name: 'Start billing' })).toHaveCount(0);
  await Promise.all([
    page.waitForEvent('load'),
    row.getByRole('button', { name: 'Start now' }).click(),
  ]);
  await pressConfirm(page);
  await expect.poll(() => sandbox.calls('start-billing')).toHaveLength(1);
  const [call] = await sandbox.calls('start-billing');
  expect(call?.body).toMatchObject({ provisioningId, productSkus: [SKU] });
  await expect(async () => {
    await page.reload();
    await expect(billingState).toHaveText(/^billing since .* \(next-month\)$/, { timeout: 500 });
  }).toPass();
  await expect(row.getByRole('button', { name: 'Start now' })).toHaveCount(0);
  // Started early, the SKU bills from the start call on the marketplace's books too.
  expect(await sandbox.ledger()).toEqual([
    expect.objectContaining({ productSku: SKU, billingStartedAt: call?.receivedAt }),
  ]);
});
