import { beaconsDuring, pixelReady } from '../support/beacons.js';
import { countEvents, readRelays } from '../support/db.js';
import { defaultSetup, expect, test } from '../support/fixtures.js';

const customers = async (sandbox: { received: () => Promise<{ customerId: string }[]> }) =>
  (await sandbox.received()).map((t) => t.customerId);

test('a reload and a second purchase for the same customer still relay once', async ({
  page,
  site,
  collector,
  sandbox,
}) => {
  await page.goto(`${site.url}/?clm_ref=R-1`);
  await pixelReady(page);
  expect(await page.evaluate(() => window.clmPixel?.purchase('cust-1'))).toEqual({ sent: true });

  await page.reload();
  await pixelReady(page);
  expect(await page.evaluate(() => window.clmPixel?.purchase('cust-1'))).toEqual({
    sent: false,
    reason: 'already-sent',
  });

  // Another browser (no memory of the first purchase) reports the same customer again.
  await page.evaluate(() =>
    localStorage.removeItem(Object.keys(localStorage).find((k) => k.startsWith('clm_sent_')) ?? ''),
  );
  const again = await beaconsDuring(page, collector.url, () =>
    page.evaluate(() => window.clmPixel?.purchase('cust-1')),
  );
  expect(again).toHaveLength(1);

  await expect.poll(() => readRelays(collector.dbPath).map((r) => r.status)).toEqual(['delivered']);
  expect(countEvents(collector.dbPath).purchase).toBe(2);
  expect(await customers(sandbox)).toEqual(['cust-1']);
});

test('an onramp failing with 503 for a while gets the purchase once it recovers', async ({
  page,
  site,
  collector,
  sandbox,
}) => {
  await sandbox.mode({ mode: 'fail', status: 503, count: 3 });
  await page.goto(`${site.url}/?clm_ref=R-2`);
  await pixelReady(page);
  await page.evaluate(() => window.clmPixel?.purchase('cust-2'));

  await expect.poll(() => readRelays(collector.dbPath)[0]?.status).toBe('delivered');
  const [relay] = readRelays(collector.dbPath);
  expect(relay?.attempts).toBe(4);
  expect(await customers(sandbox)).toEqual(['cust-2']);
});

test('a collector killed right after acknowledging a purchase delivers it after restart', async ({
  page,
  site,
  collector,
  sandbox,
}) => {
  // The onramp holds every call, so the purchase can only be in the database when we kill.
  await sandbox.mode({ mode: 'stall' });
  await page.goto(`${site.url}/?clm_ref=R-3`);
  await pixelReady(page);
  const acknowledged = page.waitForResponse(
    (response) =>
      response.url().endsWith('/beacon') &&
      response.request().postData()?.includes('cust-3') === true,
  );
  await page.evaluate(() => window.clmPixel?.purchase('cust-3'));
  expect((await acknowledged).status()).toBe(204);

  await collector.kill('SIGKILL');
  await sandbox.mode({ mode: 'ok' });
  await collector.restart();

  await expect.poll(() => customers(sandbox)).toEqual(['cust-3']);
  await expect.poll(() => readRelays(collector.dbPath)[0]?.status).toBe('delivered');
  expect(await customers(sandbox)).toEqual(['cust-3']);
});

test('a beacon for a provider key the collector does not serve is refused and never relayed', async ({
  page,
  site,
  collector,
  sandbox,
}) => {
  site.setup = { attrs: { ...defaultSetup().attrs, 'data-provider-key': 'PK-STRANGER' } };
  const refused = page.waitForResponse((response) => response.url().endsWith('/beacon'));
  await page.goto(`${site.url}/?clm_ref=R-4`);
  await pixelReady(page);
  expect((await refused).status()).toBe(403);
  const purchase = page.waitForResponse((response) => response.url().endsWith('/beacon'));
  await page.evaluate(() => window.clmPixel?.purchase('cust-4'));
  expect((await purchase).status()).toBe(403);

  expect(readRelays(collector.dbPath)).toEqual([]);
  expect(countEvents(collector.dbPath)).toEqual({});
  expect(await sandbox.received()).toEqual([]);
});

test('malformed beacons get a 4xx and nothing is relayed', async ({
  request,
  collector,
  sandbox,
}) => {
  const valid = {
    type: 'purchase',
    id: 'evt-000000001',
    key: 'PK-123',
    service: 'acme-crm',
    customerId: 'cust-5',
    ref: { id: 'R-5', at: Date.now(), utm: {} },
    time: Date.now(),
  };
  const bad: [string, string, string][] = [
    ['not JSON', 'text/plain', '{"type":"purchase",'],
    ['empty body', 'text/plain', ''],
    ['wrong type', 'text/plain', JSON.stringify({ ...valid, customerId: 42 })],
    ['missing customer', 'text/plain', JSON.stringify({ ...valid, customerId: undefined })],
    ['unknown event type', 'text/plain', JSON.stringify({ ...valid, type: 'refund' })],
    ['extra field', 'text/plain', JSON.stringify({ ...valid, admin: true })],
    ['wrong content type', 'application/x-www-form-urlencoded', 'a=1'],
    [
      'over the size limit',
      'text/plain',
      JSON.stringify({ ...valid, customerId: 'x'.repeat(20_000) }),
    ],
  ];
  for (const [what, contentType, data] of bad) {
    const response = await request.post(`${collector.url}/beacon`, {
      headers: { 'content-type': contentType },
      data,
    });
    expect(response.status(), what).toBeGreaterThanOrEqual(400);
    expect(response.status(), what).toBeLessThan(500);
  }
  expect(readRelays(collector.dbPath)).toEqual([]);
  expect(countEvents(collector.dbPath)).toEqual({});
  expect(await sandbox.received()).toEqual([]);
});
