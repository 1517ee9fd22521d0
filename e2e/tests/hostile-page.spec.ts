import { createHash } from 'node:crypto';
import { beaconsDuring, expectPlainTextBeacon, pixelReady } from '../support/beacons.js';
import { expect, test } from '../support/fixtures.js';

test('a strict CSP page loading the pinned pixel with SRI still reports the purchase', async ({
  page,
  site,
  collector,
  sandbox,
}) => {
  const script = Buffer.from(await (await fetch(`${collector.url}/pixel.js`)).arrayBuffer());
  const digest = createHash('sha384').update(script).digest();
  const file = `pixel.${digest.toString('hex').slice(0, 16)}.js`;
  const integrity = `sha384-${digest.toString('base64')}`;
  expect(collector.output(), 'the collector names its pinned file').toContain(
    `${file} integrity="${integrity}"`,
  );

  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|integrity/i.test(message.text())) violations.push(message.text());
  });
  site.setup = {
    ...site.setup,
    nonce: 'xyz',
    pixelFile: file,
    attrs: { ...site.setup.attrs, integrity, crossorigin: 'anonymous' },
    // No img-src: the pixel makes no image requests (a violation would be reported below).
    headers: {
      'content-security-policy':
        `default-src 'none'; script-src 'nonce-xyz' ${collector.url}; ` +
        `connect-src ${collector.url}`,
    },
  };
  await page.goto(`${site.url}/?clm_ref=R-CSP`);
  await pixelReady(page);
  const seen = await beaconsDuring(page, collector.url, () =>
    page.evaluate(() => window.clmPixel?.purchase('cust-csp')),
  );
  expect(expectPlainTextBeacon(seen[0])).toMatchObject({
    type: 'purchase',
    customerId: 'cust-csp',
  });
  await expect
    .poll(async () => (await sandbox.received()).map((t) => t.customerId))
    .toEqual(['cust-csp']);
  expect(violations).toEqual([]);
});

test('a pinned pixel whose bytes do not match the integrity value is not run', async ({
  page,
  site,
  collector,
}) => {
  const script = Buffer.from(await (await fetch(`${collector.url}/pixel.js`)).arrayBuffer());
  const file = `pixel.${createHash('sha384').update(script).digest('hex').slice(0, 16)}.js`;
  const wrong = `sha384-${createHash('sha384').update('something else').digest('base64')}`;
  site.setup = {
    ...site.setup,
    pixelFile: file,
    attrs: { ...site.setup.attrs, integrity: wrong, crossorigin: 'anonymous' },
  };
  const seen = await beaconsDuring(page, collector.url, async () => {
    await page.goto(`${site.url}/?clm_ref=R-SRI`);
    await page.waitForLoadState('load');
  });
  expect(seen).toEqual([]);
  expect(await page.evaluate(() => typeof window.clmPixel?.referral)).toBe('undefined');
});

test('a page that replaces JSON, Promise and fetch badly after load still reports', async ({
  page,
  site,

  sandbox,
}) => {
  await page.goto(`${site.url}/?clm_ref=R-BAD`);
  await pixelReady(page);
  const result = await page.evaluate(() => {
    const broken = () => {
      throw new Error('broken by the page');
    };
    const w = window as unknown as Record<string, unknown>;
    const realPromise = Promise;
    JSON.stringify = broken;
    JSON.parse = broken;
    w.fetch = broken;
    w.Promise = broken;
    const answer = window.clmPixel?.purchase('cust-bad');
    w.Promise = realPromise;
    return answer;
  });
  expect(result).toEqual({ sent: true });
  await expect
    .poll(async () => (await sandbox.received()).map((t) => t.customerId))
    .toEqual(['cust-bad']);
});

test('a page that broke JSON, Promise and fetch before load gets no exception', async ({
  page,
  site,
}) => {
  // The stub runs first; then the page breaks the globals; then the pixel loads.
  site.setup.beforePixel =
    'window.__realPromise=Promise;window.Promise=function(){throw new Error("no")};window.Promise.resolve=function(){throw new Error("no")};' +
    'JSON.stringify=function(){return undefined};window.fetch=function(){return 42};' +
    'window.__result=clmPixel.purchase("cust-early");';
  await page.goto(`${site.url}/?clm_ref=R-EARLY`);
  // Playwright's own waiting needs a working Promise: give it back (the pixel keeps its copy).
  await page.waitForLoadState('load');
  const state = await page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    const answer = window.clmPixel?.purchase('cust-later') as unknown;
    w.Promise = w.__realPromise;
    return {
      loaded: typeof window.clmPixel?.referral === 'function',
      answer: typeof answer,
      early: typeof w.__result,
    };
  });
  expect(state).toEqual({ loaded: true, answer: 'object', early: 'undefined' });
  // pageErrors (fixtures.ts) fails the test if anything was thrown into the page.
});
