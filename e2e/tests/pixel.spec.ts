import { beaconsDuring, expectPlainTextBeacon, pixelReady } from '../support/beacons.js';
import { expect, PROVIDER_KEY, SERVICE, test } from '../support/fixtures.js';

const DAY = 864e5;

test('referral landing, a second page, then purchase: one text/plain beacon, relayed once', async ({
  page,
  site,
  collector,
  sandbox,
}) => {
  const landing = await beaconsDuring(page, collector.url, async () => {
    await page.goto(`${site.url}/?clm_ref=R-42&utm_source=marketplace`);
    await pixelReady(page);
  });
  expect(landing).toHaveLength(1);
  expect(expectPlainTextBeacon(landing[0])).toMatchObject({
    type: 'visit',
    key: PROVIDER_KEY,
    service: SERVICE,
    ref: { id: 'R-42', utm: { source: 'marketplace' } },
  });

  const secondPage = await beaconsDuring(page, collector.url, async () => {
    await page.goto(`${site.url}/pricing`);
    await pixelReady(page);
  });
  expect(secondPage, 'an ordinary page view sends nothing').toHaveLength(0);

  let result: unknown;
  const purchase = await beaconsDuring(page, collector.url, async () => {
    result = await page.evaluate(() => window.clmPixel?.purchase('cust-1001'));
  });
  expect(result).toEqual({ sent: true });
  expect(purchase).toHaveLength(1);
  const body = expectPlainTextBeacon(purchase[0]);
  expect(body).toMatchObject({
    type: 'purchase',
    key: PROVIDER_KEY,
    service: SERVICE,
    customerId: 'cust-1001',
    ref: { id: 'R-42' },
  });
  expect(body.id).toEqual(expect.any(String));
  expect(body.time).toEqual(expect.any(Number));

  await expect.poll(() => sandbox.received()).toHaveLength(1);
  const [tracking] = await sandbox.received();
  expect(Object.keys(tracking ?? {})).toEqual([
    'partnerKey',
    'serviceName',
    'customerId',
    'purchasedAt',
  ]);
  expect(tracking).toEqual({
    partnerKey: PROVIDER_KEY,
    serviceName: SERVICE,
    customerId: 'cust-1001',
    purchasedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
  });
});

test('purchase called through the stub before the script loaded is replayed in order', async ({
  page,
  site,
  collector,
  sandbox,
}) => {
  site.setup.beforePixel = "clmPixel.purchase('early-1'); clmPixel.purchase('early-2');";
  const seen = await beaconsDuring(page, collector.url, async () => {
    await page.goto(`${site.url}/signup/done?clm_ref=R-7`);
    await pixelReady(page);
  });
  expect(seen.map((b) => [b.body.type, b.body.customerId])).toEqual([
    ['visit', undefined],
    ['purchase', 'early-1'],
    ['purchase', 'early-2'],
  ]);
  await expect
    .poll(async () => (await sandbox.received()).map((t) => t.customerId).sort())
    .toEqual(['early-1', 'early-2']);
});

test('a purchase followed by navigation in the same tick still arrives', async ({
  page,
  site,
  sandbox,
}) => {
  await page.goto(`${site.url}/?clm_ref=R-8`);
  await pixelReady(page);
  const beacon = page.waitForRequest(
    (request) =>
      request.url().endsWith('/beacon') && request.postData()?.includes('nav-1') === true,
  );
  await page.evaluate(() => {
    window.clmPixel?.purchase('nav-1');
    location.href = '/elsewhere';
  });
  await beacon;
  await page.waitForURL('**/elsewhere');
  await expect
    .poll(async () => (await sandbox.received()).map((t) => t.customerId))
    .toEqual(['nav-1']);
});

test('without a referral nothing is sent, on view or on purchase', async ({
  page,
  site,
  collector,
}) => {
  const seen = await beaconsDuring(page, collector.url, async () => {
    await page.goto(`${site.url}/?utm_source=newsletter`);
    await pixelReady(page);
    const result = await page.evaluate(() => window.clmPixel?.purchase('cust-9'));
    expect(result).toEqual({ sent: false, reason: 'no-referral' });
  });
  expect(seen).toEqual([]);
});

test('storage that throws breaks nothing; the referral lasts for the page only', async ({
  page,
  site,
  collector,
}) => {
  await page.addInitScript(() => {
    const fail = () => {
      throw new DOMException('storage blocked', 'SecurityError');
    };
    Object.defineProperty(window, 'localStorage', { get: fail });
    // Counted: where localStorage is blocked the pixel must not fall back to a cookie.
    Object.defineProperty(window, 'cookieAttempts', { value: { n: 0 } });
    const count = () => {
      (window as unknown as { cookieAttempts: { n: number } }).cookieAttempts.n += 1;
      fail();
    };
    Object.defineProperty(document, 'cookie', { get: count, set: count });
  });
  const seen = await beaconsDuring(page, collector.url, async () => {
    await page.goto(`${site.url}/?clm_ref=R-9`);
    await pixelReady(page);
    // Remembered in memory for this page's life: the purchase goes with it.
    const result = await page.evaluate(() => window.clmPixel?.purchase('cust-9'));
    expect(result).toEqual({ sent: true });
  });
  expect(seen.map((b) => b.body.type)).toEqual(['visit', 'purchase']);
  expect(seen[1]?.body.ref).toMatchObject({ id: 'R-9' });

  // The next page starts with nothing stored.
  const next = await beaconsDuring(page, collector.url, async () => {
    await page.goto(`${site.url}/next`);
    await pixelReady(page);
    const result = await page.evaluate(() => window.clmPixel?.purchase('cust-10'));
    expect(result).toEqual({ sent: false, reason: 'no-referral' });
  });
  expect(next).toEqual([]);
  expect(
    await page.evaluate(
      () => (window as unknown as { cookieAttempts: { n: number } }).cookieAttempts.n,
    ),
  ).toBe(0);
});

test('a purchase 31 days after the referral is not sent; one at 29 days is', async ({
  page,
  site,
  collector,
}) => {
  const start = new Date('2026-05-01T12:00:00Z').getTime();
  await page.clock.install({ time: start });
  await page.goto(`${site.url}/?clm_ref=R-10`);
  await pixelReady(page);

  await page.clock.setSystemTime(start + 29 * DAY);
  await page.goto(`${site.url}/signup`);
  await pixelReady(page);
  const inWindow = await beaconsDuring(page, collector.url, async () => {
    expect(await page.evaluate(() => window.clmPixel?.purchase('in-window'))).toEqual({
      sent: true,
    });
  });
  expect(inWindow.map((b) => b.body.customerId)).toEqual(['in-window']);

  await page.clock.setSystemTime(start + 31 * DAY);
  await page.goto(`${site.url}/signup`);
  await pixelReady(page);
  const late = await beaconsDuring(page, collector.url, async () => {
    expect(await page.evaluate(() => window.clmPixel?.purchase('too-late'))).toEqual({
      sent: false,
      reason: 'no-referral',
    });
  });
  expect(late).toEqual([]);
});

test('a landing link with a control character: the purchase is still relayed', async ({
  page,
  site,
  collector,
  sandbox,
}) => {
  // As the link carries them, the collector refuses these utm values (a line feed, a bidi
  // override, over 256 characters) and with them every beacon of this browser.
  const cjk = encodeURIComponent('漢'.repeat(300));
  const landing = await beaconsDuring(page, collector.url, async () => {
    await page.goto(
      `${site.url}/?clm_ref=R-CTL&utm_medium=a%0Ab&utm_campaign=%E2%80%AEspring&utm_content=${cjk}`,
    );
    await pixelReady(page);
  });
  const ref = expectPlainTextBeacon(landing[0]).ref as { utm: Record<string, string> };
  expect(ref.utm).toMatchObject({ medium: 'ab', campaign: 'spring' });
  expect(ref.utm.content?.length).toBeLessThanOrEqual(256);
  expect((await landing[0]?.request.response())?.ok(), 'the collector accepts it').toBe(true);

  const result = await page.evaluate(() => window.clmPixel?.purchase('cust-ctl'));
  expect(result).toEqual({ sent: true });
  await expect
    .poll(async () => (await sandbox.received()).map((t) => t.customerId))
    .toEqual(['cust-ctl']);
});

test('pixel.debug.js says what it does and why; pixel.js says nothing', async ({ page, site }) => {
  const messages: string[] = [];
  page.on('console', (message) => messages.push(message.text()));
  const visitAndBuy = async (customerId: string) => {
    await page.goto(`${site.url}/?utm_source=newsletter`);
    await pixelReady(page);
    return page.evaluate((id) => window.clmPixel?.purchase(id), customerId);
  };

  expect(await visitAndBuy('cust-quiet')).toEqual({ sent: false, reason: 'no-referral' });
  expect(messages.filter((text) => text.includes('[clm-pixel]'))).toEqual([]);

  site.setup.pixelFile = 'pixel.debug.js';
  expect(await visitAndBuy('cust-loud')).toEqual({ sent: false, reason: 'no-referral' });
  const said = messages.filter((text) => text.startsWith('[clm-pixel]')).join('\n');
  expect(said).toContain('on: beacons go to');
  expect(said).toContain('no ?clm_ref= in this URL');
  expect(said).toMatch(/purchase cust-loud not sent: no-referral: no marketplace referral/);
});

test('a tag that runs without document.currentScript (a module, as some tag managers load it) still starts', async ({
  page,
  site,
  collector,
  sandbox,
}) => {
  site.setup.attrs = { ...site.setup.attrs, type: 'module' };
  const seen = await beaconsDuring(page, collector.url, async () => {
    await page.goto(`${site.url}/?clm_ref=R-MOD`);
    await pixelReady(page);
  });
  expect(seen.map((b) => [b.body.type, b.request.url()])).toEqual([
    ['visit', `${collector.url}/beacon`],
  ]);
  expect(await page.evaluate(() => window.clmPixel?.purchase('cust-mod'))).toEqual({
    sent: true,
  });
  await expect
    .poll(async () => (await sandbox.received()).map((t) => t.customerId))
    .toEqual(['cust-mod']);
});
