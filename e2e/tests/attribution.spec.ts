import {
  purchaseBeacon,
  readPurchaseEvents,
  readTrackings,
  reportPurchase,
  startHostileSite,
} from '../support/attribution.js';
import { e2eBeacon, pixelReady } from '../support/beacons.js';
import { startCollector } from '../support/collector.js';
import { countEvents } from '../support/db.js';
import { defaultSetup, expect, test } from '../support/fixtures.js';
import { startSite } from '../support/site.js';

// Attribution nobody can forge or lose (issue 12): each test drives Chromium through the
// real collector process and the sandbox onramp.

const API_TOKEN = 'e2e-api-token-0123456789';

const customers = async (sandbox: { received: () => Promise<{ customerId: string }[]> }) =>
  (await sandbox.received()).map((t) => t.customerId);

/** Sends `body` from the page with sendBeacon, as a pixel would; resolves the collector's status. */
const sendFromPage = async (
  page: import('@playwright/test').Page,
  collectorUrl: string,
  body: string,
  marker: string,
) => {
  const answered = page.waitForResponse(
    (response) =>
      response.url() === `${collectorUrl}/beacon` &&
      response.request().postData()?.includes(marker) === true,
  );
  const queued = await page.evaluate(
    ([url, text]) => navigator.sendBeacon(`${url}/beacon`, text as string),
    [collectorUrl, body],
  );
  expect(queued, 'the browser took the beacon').toBe(true);
  return (await answered).status();
};

test('a landing link with a control character still gets its purchases relayed', async ({
  page,
  site,
  collector,
  sandbox,
}) => {
  // Today's pixel cleans the referral itself.
  await page.goto(`${site.url}/?clm_ref=R-ctl&utm_medium=a%0Ab`);
  await pixelReady(page);
  expect(await page.evaluate(() => window.clmPixel?.purchase('cust-ctl-1'))).toEqual({
    sent: true,
  });

  // A pixel cached from before the fix sends the referral as the link had it, and ids with
  // invisible characters; the collector cleans them rather than refuse the purchase.
  const raw = purchaseBeacon('cust\u200b-ctl-2', 'evt_e2e_ctl_0002', {
    id: 'R-ctl\u0007',
    at: Date.now(),
    utm: { medium: 'a\nb' },
  });
  expect(await sendFromPage(page, collector.url, raw, 'evt_e2e_ctl_0002')).toBe(204);

  // A referral nothing can repair (eleven utm keys) is dropped; its purchase is kept.
  const utm = Object.fromEntries([...'abcdefghijk'].map((key) => [key, 'x']));
  const crowded = purchaseBeacon('cust-ctl-3', 'evt_e2e_ctl_0003', { id: 'R-ctl', at: 1, utm });
  expect(await sendFromPage(page, collector.url, crowded, 'evt_e2e_ctl_0003')).toBe(204);

  await expect
    .poll(async () => (await customers(sandbox)).sort())
    .toEqual(['cust-ctl-1', 'cust-ctl-2', 'cust-ctl-3']);
  await expect
    .poll(() => readTrackings(collector.dbPath).map((r) => r.status))
    .toEqual(['delivered', 'delivered', 'delivered']);
  // By customer: the pixel's sendBeacon and the page's own fetch race to the collector.
  const events = readPurchaseEvents(collector.dbPath).sort((a, b) =>
    a.customer_id.localeCompare(b.customer_id),
  );
  expect(events.map((e) => [e.customer_id, e.referral?.id ?? null, e.referral?.utm])).toEqual([
    ['cust-ctl-1', 'R-ctl', { medium: 'ab' }],
    ['cust-ctl-2', 'R-ctl', { medium: 'ab' }],
    ['cust-ctl-3', null, undefined],
  ]);
});

test("a hostile page's no-referrer image or fetch is refused: nothing stored or relayed", async ({
  page,
  sandbox,
}) => {
  // The allow-list names the provider's site, so the collector starts after it.
  let collectorUrl = '';
  const site = await startSite(() => collectorUrl, defaultSetup());
  const collector = await startCollector({
    onrampBaseUrl: sandbox.url,
    allowedOrigins: [site.url],
  });
  collectorUrl = collector.url;
  const hostile = await startHostileSite(
    () => `<!doctype html><html><body>
<img referrerpolicy="no-referrer" src="${collector.url}/beacon?d=${encodeURIComponent(
      purchaseBeacon('cust-img', 'evt_e2e_img_0001'),
    )}"></body></html>`,
  );
  try {
    // The collector answers 410 with a JSON reason, which Chromium then blocks from an image
    // (ORB): the request either finishes or fails, once the collector has answered.
    const isImage = (request: import('@playwright/test').Request) =>
      request.url().includes('/beacon?d=');
    const settled = Promise.race([
      page.waitForEvent('requestfinished', isImage),
      page.waitForEvent('requestfailed', isImage),
    ]);
    await page.goto(hostile.url);
    const image = await settled;
    const status = (await image.response())?.status();
    expect(String(status ?? image.failure()?.errorText), 'GET /beacon is gone').toMatch(
      /^410$|ORB/,
    );
    expect(countEvents(collector.dbPath)).toEqual({});

    // The same beacon by POST: Origin: null, no Referer, Sec-Fetch-Site: cross-site.
    const refused = page.waitForResponse(
      (response) => response.url() === `${collector.url}/beacon`,
    );
    await page.evaluate(
      ([url, body]) =>
        fetch(`${url}/beacon`, {
          method: 'POST',
          mode: 'no-cors',
          referrerPolicy: 'no-referrer',
          body,
        }).catch(() => {}),
      [collector.url, purchaseBeacon('cust-img', 'evt_e2e_img_0002')] as const,
    );
    expect((await refused).status()).toBe(403);
    expect(countEvents(collector.dbPath)).toEqual({});

    // The provider's own page still reports: the allow-list is not in its way.
    await page.goto(`${site.url}/?clm_ref=R-own`);
    await pixelReady(page);
    expect(await page.evaluate(() => window.clmPixel?.purchase('cust-own'))).toEqual({
      sent: true,
    });
    await expect.poll(() => customers(sandbox)).toEqual(['cust-own']);
    expect(readTrackings(collector.dbPath).map((r) => r.customer_id)).toEqual(['cust-own']);
  } finally {
    await hostile.close();
    await collector.stop();
    await site.close();
  }
});

test.describe('with a small per-address limit on beacons', () => {
  test.use({ collectorEnv: { CLM_RATE_LIMIT_PER_MINUTE: '5' } });

  test('a burst of visits from one address does not cost the purchase that follows', async ({
    page,
    site,
    collector,
    sandbox,
  }) => {
    await page.goto(`${site.url}/?clm_ref=R-burst`);
    await pixelReady(page);
    // Their answers, as the browser saw them (no-cors: the page cannot read a refusal).
    const statuses: number[] = [];
    page.on('response', (response) => {
      if (response.request().postData()?.includes('evt_e2e_burst_'))
        statuses.push(response.status());
    });
    const visits = Array.from({ length: 10 }, (_, n) =>
      e2eBeacon({
        type: 'visit',
        id: `evt_e2e_burst_${String(n).padStart(4, '0')}`,
        ref: { id: 'R-burst', at: Date.now(), utm: {} },
      }),
    );
    await page.evaluate(
      async ([url, bodies]) => {
        for (const body of bodies)
          await fetch(`${url}/beacon`, { method: 'POST', mode: 'no-cors', body });
      },
      [collector.url, visits] as const,
    );
    await expect.poll(() => statuses.length).toBe(10);
    expect(statuses, 'visits past the limit are refused').toContain(429);

    const answered = page.waitForResponse(
      (response) =>
        response.url() === `${collector.url}/beacon` &&
        response.request().postData()?.includes('cust-burst') === true,
    );
    expect(await page.evaluate(() => window.clmPixel?.purchase('cust-burst'))).toEqual({
      sent: true,
    });
    expect((await answered).status()).toBe(204);
    await expect.poll(() => customers(sandbox)).toEqual(['cust-burst']);
    expect(countEvents(collector.dbPath).visit, 'visits keep their limit').toBeLessThanOrEqual(5);
  });
});

test.describe("with the provider's backend reporting purchases", () => {
  test.use({ collectorEnv: { CLM_API_TOKEN: API_TOKEN, CLM_SERVICE_NAME: 'acme-crm' } });

  test("a forged beacon, then the backend's report: the relay carries the report", async ({
    page,
    collector,
    sandbox,
  }) => {
    // A forger guesses the next customer id and reports it first; the onramp refuses it.
    await sandbox.mode({ mode: 'reject', count: 1 });
    const hostile = await startHostileSite(() => '<!doctype html><title>forger</title>');
    try {
      await page.goto(hostile.url);
      const forged = purchaseBeacon('cust-4242', 'evt_e2e_forged_01');
      expect(await sendFromPage(page, collector.url, forged, 'evt_e2e_forged_01')).toBe(204);
      await expect
        .poll(() => readTrackings(collector.dbPath))
        .toEqual([expect.objectContaining({ status: 'dead', source: 'beacon' })]);

      // The real signup: the backend reports it, with its own purchase time.
      const purchasedAt = new Date(Date.now() - 60_000).toISOString();
      const report = await reportPurchase(collector.url, API_TOKEN, {
        customerId: 'cust-4242',
        purchasedAt,
      });
      expect(report).toMatchObject({ status: 202, body: { status: 'replaced', purchasedAt } });

      await expect
        .poll(() => readTrackings(collector.dbPath))
        .toEqual([
          {
            customer_id: 'cust-4242',
            status: 'delivered',
            purchased_at: purchasedAt,
            source: 'api',
          },
        ]);
      expect(await sandbox.received()).toEqual([
        { partnerKey: 'PK-123', serviceName: 'acme-crm', customerId: 'cust-4242', purchasedAt },
      ]);
    } finally {
      await hostile.close();
    }
  });
});

test.describe('with CLM_BEACON_PURCHASES=hold', () => {
  test.use({
    collectorEnv: {
      CLM_API_TOKEN: API_TOKEN,
      CLM_SERVICE_NAME: 'acme-crm',
      CLM_BEACON_PURCHASES: 'hold',
    },
  });

  test('beacons keep the referral; only the backend report is relayed', async ({
    page,
    site,
    collector,
    sandbox,
  }) => {
    await page.goto(`${site.url}/?clm_ref=R-hold`);
    await pixelReady(page);
    const answered = page.waitForResponse(
      (response) =>
        response.url() === `${collector.url}/beacon` &&
        response.request().postData()?.includes('cust-hold') === true,
    );
    expect(await page.evaluate(() => window.clmPixel?.purchase('cust-hold'))).toEqual({
      sent: true,
    });
    expect((await answered).status()).toBe(204);
    // A relay would have been committed with the event, before the 204.
    expect(readTrackings(collector.dbPath)).toEqual([]);
    expect(readPurchaseEvents(collector.dbPath)).toEqual([
      { customer_id: 'cust-hold', referral: expect.objectContaining({ id: 'R-hold' }) },
    ]);

    const purchasedAt = new Date(Date.now() - 30_000).toISOString();
    const report = await reportPurchase(collector.url, API_TOKEN, {
      customerId: 'cust-hold',
      purchasedAt,
    });
    expect(report).toMatchObject({ status: 202, body: { status: 'queued', purchasedAt } });
    await expect
      .poll(() => readTrackings(collector.dbPath))
      .toEqual([
        { customer_id: 'cust-hold', status: 'delivered', purchased_at: purchasedAt, source: 'api' },
      ]);
    expect(await sandbox.received()).toEqual([
      { partnerKey: 'PK-123', serviceName: 'acme-crm', customerId: 'cust-hold', purchasedAt },
    ]);
  });
});
