import { buyOnMarketplace, orderRow, pressStartBilling } from '../support/buy-and-bill.js';
import {
  BUYER_GENERIC_FAILURE,
  expect,
  PRODUCT,
  PROVIDER_KEY,
  providerApi,
  subscription,
  TOKENS,
  test,
} from '../support/orders.js';
import { FIRST_CUSTOMER_ID } from '../support/provider.js';

// A real Chromium buys on the sandbox's marketplace page; the sandbox sends the order to a
// real collector process, which forwards it, signed, to the provider's endpoint in support/.

const [SKU] = PRODUCT.skus as [string];

test('an order bought on the marketplace is provisioned once, billed once and terminated once', async ({
  page,
  sandbox,
  collector,
  provider,
}) => {
  // The whole life of an order, with two relays and a browser: more than the usual 30 s
  // on a loaded machine.
  test.setTimeout(60_000);
  const provisioningId = await buyOnMarketplace(page, sandbox, 'buyer@example.com');
  // The provider answered a number; the buyer sees it, and the marketplace stores a string.
  const customerId = String(FIRST_CUSTOMER_ID);
  await expect(page.locator('#customer-id')).toHaveText(customerId);
  await expect(page.locator('#provider-fields')).toContainText('trial');

  // One request from the marketplace; the provider received exactly its bytes, signed.
  expect(sandbox.sent).toHaveLength(1);
  const [sent] = sandbox.sent;
  expect(sent?.authorization).toBe(`Bearer ${TOKENS.provision}`);
  expect(JSON.parse(sent?.body ?? '')).toStrictEqual({
    provisioningId,
    productSkus: [SKU],
    productId: PRODUCT.id,
    contactEmail: 'buyer@example.com',
    userAlias: 'ABCD',
  });
  expect(provider.calls).toHaveLength(1);
  expect(provider.calls[0]).toMatchObject({
    body: sent?.body,
    contentType: 'application/json',
    signed: true,
  });
  expect(sent?.status).toBe(200);
  expect(JSON.parse(sent?.answer ?? '')).toStrictEqual({ customerId, plan: 'trial' });
  expect(await sandbox.provisionings()).toStrictEqual([
    expect.objectContaining({ provisioningId, outcome: 'complete', status: 200, customerId }),
  ]);

  // The Orders page: not started, then Start billing.
  const row = await orderRow(page, collector, provisioningId);
  const billingState = row.locator(`.billing-state[data-sku="${SKU}"]`);
  await expect(billingState).toHaveText('not started');
  const posted = await pressStartBilling(page, collector, row);
  expect(posted.map((request) => new URL(request.url()).pathname)).toEqual([
    `/admin/orders/${encodeURIComponent(provisioningId)}/start-billing`,
  ]);

  await expect.poll(() => sandbox.calls('start-billing')).toHaveLength(1);
  const [billing] = await sandbox.calls('start-billing');
  expect(billing?.body).toStrictEqual({
    providerKey: PROVIDER_KEY,
    customerId,
    provisioningId,
    productId: PRODUCT.id,
    productSkus: [SKU],
  });
  // The page is a snapshot: reload (a GET) until the relay's outcome is recorded.
  await expect(async () => {
    await page.reload();
    await expect(billingState).toHaveText('billing', { timeout: 500 });
  }).toPass();
  // Asked again, by the provider's backend this time: nothing new is sent.
  const again = await providerApi(collector, 'POST', '/api/billing/start', { provisioningId });
  expect(again.status).toBe(200);

  // The customer cancels on the provider's site; its backend terminates (no body).
  const path = `/api/subscriptions/${encodeURIComponent(provisioningId)}/terminate`;
  expect((await providerApi(collector, 'POST', path)).status).toBe(202);
  await expect.poll(() => sandbox.calls('saas-usage-end')).toHaveLength(1);
  const [end] = await sandbox.calls('saas-usage-end');
  expect(end?.body).toStrictEqual({
    providerKey: PROVIDER_KEY,
    customerId,
    provisioningId,
    productSkus: [SKU],
    productId: PRODUCT.id,
  });
  await expect
    .poll(async () => {
      const { body } = await subscription(collector, provisioningId);
      return (body?.skus as { end: { state: string } }[] | undefined)?.[0]?.end.state;
    })
    .toBe('delivered');
  // The Orders page: the ended SKU reads as ended, with its end call, and no longer as billing.
  await page.reload();
  await expect(row.locator(`.end-state[data-sku="${SKU}"]`)).toHaveText(
    /^ended \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} · end sent$/,
  );
  await expect(billingState).toHaveCount(0);
  const twice = await providerApi(collector, 'POST', path);
  expect(twice.status).toBe(409);

  // Everything the marketplace received, and the provider: each call once.
  expect((await sandbox.calls()).map((call) => call.endpoint)).toEqual([
    'start-billing',
    'saas-usage-end',
  ]);
  expect(provider.calls).toHaveLength(1);
  console.log(
    `[orders] Buy → Start billing → terminate twice: provider 1 call (signed), ` +
      `start-billing 1, saas-usage-end 1, second terminate ${twice.status}`,
  );
  // The buyer's email went to the provider only: never into the collector's log.
  expect(collector.output()).not.toContain('buyer@example.com');
});

test('a provider refusing an order: the buyer reads its message and no order exists', async ({
  page,
  sandbox,
  collector,
  provider,
}) => {
  const message = 'Accounts for blocked.example cannot be created here.';
  provider.answer = () => ({ status: 400, body: { message } });
  const provisioningId = await buyOnMarketplace(page, sandbox, 'jo@blocked.example');
  await expect(page.locator('#buyer-error')).toHaveText(message);
  await expect(page.locator('#customer-id')).toHaveCount(0);

  expect(provider.calls).toHaveLength(1);
  expect(provider.calls[0]?.signed).toBe(true);
  expect(sandbox.sent.map((s) => s.status)).toEqual([400]);
  expect(await sandbox.provisionings()).toStrictEqual([
    expect.objectContaining({ provisioningId, outcome: 'refused', status: 400, message }),
  ]);
  expect((await subscription(collector, provisioningId)).status).toBe(404);
  expect(await sandbox.calls()).toEqual([]);
});

test('a provider that is down: the buyer gets the generic message and no order exists', async ({
  page,
  sandbox,
  collector,
  provider,
}) => {
  await provider.close();
  const provisioningId = await buyOnMarketplace(page, sandbox, 'buyer@example.com');
  await expect(page.locator('#buyer-error')).toHaveText(BUYER_GENERIC_FAILURE);
  await expect(page.locator('#customer-id')).toHaveCount(0);

  // The collector answered 502 with its generic text: no detail of the provider's failure.
  expect(sandbox.sent.map((s) => s.status)).toEqual([502]);
  expect(sandbox.sent[0]?.answer).not.toContain('127.0.0.1');
  expect(provider.calls).toEqual([]);
  expect((await subscription(collector, provisioningId)).status).toBe(404);
  expect(await sandbox.calls()).toEqual([]);
});
