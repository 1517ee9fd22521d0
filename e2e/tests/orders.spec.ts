import { requestsDuring } from '../support/beacons.js';
import { buyOnMarketplace, orderRow } from '../support/buy-and-bill.js';
import { confirmForm, pressConfirm } from '../support/confirm.js';
import {
  BUYER_GENERIC_FAILURE,
  expect,
  PRODUCT,
  PROVIDER_KEY,
  providerApi,
  signIn,
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

  // The Orders page: not started, then Start billing, which asks first.
  const row = await orderRow(page, collector, provisioningId);
  const billingState = row.locator(`.billing-state[data-sku="${SKU}"]`);
  await expect(billingState).toHaveText('not started');
  const startBilling = () =>
    Promise.all([
      page.waitForEvent('load'),
      row.getByRole('button', { name: 'Start billing' }).click(),
    ]);
  await startBilling();
  await expect(page.getByRole('heading', { name: 'Start billing?' })).toBeVisible();
  await expect(page.locator('.confirm-summary')).toHaveText(
    `This sends 1 call to the marketplace: POST ${sandbox.url}/start-billing/, one per SKU: from then on the marketplace bills the buyer for it.`,
  );
  await expect(page.locator('table.confirm-calls tbody tr')).toHaveText([
    `${provisioningId}${customerId}${PRODUCT.id}${SKU}`,
  ]);
  // Cancel sends nothing and leaves the button where it was.
  await Promise.all([
    page.waitForEvent('load'),
    page.getByRole('link', { name: 'Cancel: send nothing' }).click(),
  ]);
  await expect(billingState).toHaveText('not started');
  expect(await sandbox.calls('start-billing')).toEqual([]);

  await startBilling();
  const replay = await confirmForm(page);
  const posted = await requestsDuring(
    page,
    collector.url,
    (request) => request.method() === 'POST',
    () => pressConfirm(page),
  );
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
  // The banner follows the call by itself (the page refreshes while it is in flight), and a
  // reload shows it as it is, never "sending" again.
  const banner = page.locator('.start-banner');
  await expect(banner).toContainText(`${SKU}: sent.`, { timeout: 15_000 });
  await expect(billingState).toHaveText('billing');
  await page.reload();
  await expect(banner).toContainText(`${SKU}: sent.`);
  await expect(banner).not.toContainText('sending');
  // The confirmation posted again (a reload of its POST, a replay): already done, no call.
  const replayed = await page.request.post(`${collector.url}${replay.action}`, {
    form: replay.form,
    headers: { origin: collector.url },
    maxRedirects: 0,
  });
  expect(replayed.status()).toBe(303);
  expect(replayed.headers().location).toBe(
    `/admin/orders?order=${encodeURIComponent(provisioningId)}`,
  );
  await page.goto(`${collector.url}${replayed.headers().location}`);
  await expect(banner).toContainText(
    'Already done: that confirmation was used before; nothing more was sent.',
  );
  // Told once: a reload shows the call as it is, not "already done" again.
  await page.reload();
  await expect(banner).toContainText(`${SKU}: sent.`);
  await expect(banner).not.toContainText('Already done');
  expect(await sandbox.calls('start-billing')).toHaveLength(1);
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
  // The operator reads the provider's message on the Orders page, not its raw JSON.
  await signIn(page, collector);
  await page.goto(`${collector.url}/admin/orders`);
  const failure = page.locator('tr[data-outcome="refused"]');
  await expect(failure.locator('.answer')).toHaveText(message);
  await expect(failure).toContainText('HTTP 400');
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
