import { readPurchaseEvents, readTrackings } from '../support/attribution.js';
import { beaconsDuring, pixelReady } from '../support/beacons.js';
import { defaultSetup, expect, test } from '../support/fixtures.js';
import { rootReadmeJs } from '../support/readme.js';
import {
  SITE_DOMAIN,
  type SubdomainSite,
  startSubdomainSite,
  subdomainLaunch,
} from '../support/subdomains.js';

// Marketing on www., signup on app. (issue 21): two origins, two localStorages, one cookie
// on the registrable domain with data-cookie-domain.

const API_TOKEN = 'e2e-api-token-0123456789';
const DAY_S = 86_400;

const withSite = test.extend<{ subdomains: SubdomainSite }>({
  subdomains: async ({ collector }, use) => {
    const setup = defaultSetup();
    setup.attrs['data-cookie-domain'] = SITE_DOMAIN;
    const site = await startSubdomainSite({
      collectorUrl: () => collector.url,
      setup,
      apiToken: API_TOKEN,
    });
    await use(site);
    await site.close();
  },
});

withSite.use({
  launchOptions: subdomainLaunch,
  collectorEnv: { CLM_API_TOKEN: API_TOKEN, CLM_SERVICE_NAME: 'acme-crm' },
});

const open = async (page: import('@playwright/test').Page, url: string) => {
  await page.goto(url);
  await pixelReady(page);
};

const purchase = (page: import('@playwright/test').Page, customerId: string) =>
  page.evaluate((id) => window.clmPixel?.purchase(id), customerId);

withSite(
  'a landing on www. newer than one on app.: the signup on app. sends one purchase with the www. referral',
  async ({ page, subdomains, collector, sandbox }) => {
    await open(page, subdomains.app('/?clm_ref=R-OLD'));
    await open(page, subdomains.www('/?clm_ref=R8&utm_source=marketplace'));
    await open(page, subdomains.app('/signup/done'));

    let result: unknown;
    const beacons = await beaconsDuring(page, collector.url, async () => {
      result = await purchase(page, 'c8');
    });
    expect(result).toEqual({ sent: true });
    expect(beacons.map((b) => b.body.ref)).toEqual([
      { id: 'R8', at: expect.any(Number), utm: { source: 'marketplace' } },
    ]);
    await expect.poll(() => sandbox.received()).toHaveLength(1);
    expect((await sandbox.received())[0]?.customerId).toBe('c8');
    expect(readPurchaseEvents(collector.dbPath)).toEqual([
      { customer_id: 'c8', referral: expect.objectContaining({ id: 'R8' }) },
    ]);

    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({
      name: 'clm_ref',
      domain: `.${SITE_DOMAIN}`,
      path: '/',
      sameSite: 'Lax',
      secure: false,
    });
    const lifetime = (cookie?.expires ?? 0) - Date.now() / 1000;
    expect(lifetime).toBeGreaterThan(30 * DAY_S - 60);
    expect(lifetime).toBeLessThanOrEqual(30 * DAY_S);
  },
);

withSite(
  'the largest referral the pixel keeps: the cookie keeps its id, and the purchase is relayed',
  async ({ page, subdomains, collector, sandbox }) => {
    // 128 units of id, ten 170-unit utm values: over 4 KB once URI-encoded.
    const id = 'é'.repeat(128);
    const utm = Array.from({ length: 10 }, (_, i) => `utm_k${'x'.repeat(i)}=${'€'.repeat(170)}`);
    await open(page, subdomains.www(`/?clm_ref=${encodeURIComponent(id)}&${utm.join('&')}`));
    expect(await page.evaluate(() => Object.keys(window.clmPixel?.referral?.() ?? {}))).toEqual([
      'id',
      'at',
      'utm',
    ]);

    await open(page, subdomains.app('/signup/done'));
    let result: unknown;
    const beacons = await beaconsDuring(page, collector.url, async () => {
      result = await purchase(page, 'c-large');
    });
    expect(result).toEqual({ sent: true });
    expect(beacons.map((b) => b.body.ref)).toEqual([{ id, at: expect.any(Number) }]);
    await expect.poll(() => sandbox.received()).toHaveLength(1);
    expect(readPurchaseEvents(collector.dbPath)[0]?.referral?.id).toBe(id);
    const [cookie] = await page.context().cookies();
    expect(Buffer.byteLength(`${cookie?.name}${cookie?.value}`)).toBeLessThanOrEqual(4096);
  },
);

withSite(
  "a blocked beacon: the signup backend reports the purchase with the cookie's referral, once",
  async ({ page, subdomains, collector, sandbox }) => {
    await open(page, subdomains.www('/?clm_ref=R9&utm_campaign=spring'));
    await open(page, subdomains.app('/signup/done'));
    // A blocklist drops the beacon; sendBeacon still tells the page it was queued.
    await page.route(`${collector.url}/beacon`, (route) => route.abort('blockedbyclient'));
    expect(await purchase(page, 'c9')).toEqual({ sent: true });
    const signup = await page.evaluate(
      async () => (await fetch('/signup', { method: 'POST', body: 'c9' })).status,
    );
    expect(signup).toBe(200);
    expect(subdomains.reports).toEqual([
      {
        customerId: 'c9',
        referral: { id: 'R9', at: expect.any(Number), utm: { campaign: 'spring' } },
        status: 202,
      },
    ]);
    await expect.poll(() => sandbox.received()).toHaveLength(1);
    expect((await sandbox.received())[0]?.customerId).toBe('c9');
    expect(readTrackings(collector.dbPath)).toEqual([
      expect.objectContaining({ customer_id: 'c9', source: 'api' }),
    ]);
    expect(readPurchaseEvents(collector.dbPath)).toEqual([
      { customer_id: 'c9', referral: expect.objectContaining({ id: 'R9' }) },
    ]);
  },
);

withSite(
  'the beacon and the backend both report the purchase: relayed once',
  async ({ page, subdomains, collector, sandbox }) => {
    await open(page, subdomains.www('/?clm_ref=R10'));
    await open(page, subdomains.app('/signup/done'));
    const beacons = await beaconsDuring(page, collector.url, () => purchase(page, 'c10'));
    expect(beacons).toHaveLength(1);
    // The beacon's relay delivered first: the backend's report then finds it done (200).
    // Before delivery it would take the relay over instead (202), still sent once.
    await expect
      .poll(() => readTrackings(collector.dbPath))
      .toEqual([
        expect.objectContaining({ customer_id: 'c10', status: 'delivered', source: 'beacon' }),
      ]);
    expect(await sandbox.received()).toHaveLength(1);
    expect(
      await page.evaluate(
        async () => (await fetch('/signup', { method: 'POST', body: 'c10' })).status,
      ),
    ).toBe(200);
    expect(subdomains.reports.map((r) => r.status)).toEqual([200]);
    // Nothing more reaches the marketplace once the collector has had time to relay.
    await new Promise((r) => setTimeout(r, 500));
    expect(await sandbox.received()).toHaveLength(1);
    expect(readTrackings(collector.dbPath)).toHaveLength(1);
  },
);

withSite(
  'without data-cookie-domain, app. does not see the www. referral and writes no cookie',
  async ({ page, subdomains }) => {
    delete subdomains.setup.attrs['data-cookie-domain'];
    await open(page, subdomains.www('/?clm_ref=R11'));
    await open(page, subdomains.app('/signup/done'));
    expect(await purchase(page, 'c11')).toEqual({ sent: false, reason: 'no-referral' });
    expect(await page.context().cookies()).toEqual([]);
  },
);

type Fetch = (url: string, init: RequestInit) => Promise<unknown>;
type Handler = (req: unknown, res: unknown) => Promise<void>;

// The README's Express example as written, with fetch, the app and the account stubbed: one
// signup with a referral cookie, what it logged and where it sent the user.
const readmeSignup = (fetch: Fetch) => {
  let handler: Handler | undefined;
  const app = {
    post: (_path: string, h: Handler) => {
      handler = h;
    },
  };
  const createAccount = async () => ({ id: 'cust-1001' });
  new Function('fetch', 'app', 'createAccount', rootReadmeJs('reportToMarketplace'))(
    fetch,
    app,
    createAccount,
  );
  const warnings: string[] = [];
  const redirects: unknown[][] = [];
  const cookie = `a=1; clm_ref=${encodeURIComponent(JSON.stringify({ id: 'R-42', at: 1 }))}`;
  const req = { headers: { cookie }, body: {}, log: { warn: (m: string) => warnings.push(m) } };
  const signup = () => handler?.(req, { redirect: (...args: unknown[]) => redirects.push(args) });
  return { signup, warnings, redirects };
};

test("the README's backend example sends the user on at once, and gives up on a collector that does not answer", async () => {
  let init: RequestInit | undefined;
  const example = readmeSignup((_url, given) => {
    init = given;
    return new Promise((_resolve, reject) =>
      given.signal?.addEventListener('abort', () => reject(given.signal?.reason)),
    );
  });
  await example.signup();
  expect(example.redirects).toEqual([[303, '/welcome']]);
  expect(init?.signal).toBeInstanceOf(AbortSignal);
  await expect
    .poll(() => example.warnings, { timeout: 5_000 })
    .toEqual(['marketplace report failed: TimeoutError']);
});

test("the README's backend example logs a refused report by its status, without the customer", async () => {
  const example = readmeSignup(async () => ({ ok: false, status: 401 }));
  await example.signup();
  expect(example.redirects).toEqual([[303, '/welcome']]);
  await expect.poll(() => example.warnings).toEqual(['marketplace report refused: HTTP 401']);
  expect(example.warnings.join()).not.toMatch(/cust-1001|R-42/);
});
