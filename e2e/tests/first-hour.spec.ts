import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import {
  REPO,
  type ReadmeCommand,
  rootReadmeCommands,
  rootReadmeHtmlLines,
} from '../support/readme.js';
import {
  childrenOf,
  cleanEnv,
  commandLinesOf,
  freePort,
  isRunning,
  runInBash,
  spawnReady,
} from '../support/shell.js';

// A provider's first hour, as the README tells it: its commands run as written, `pnpm start`
// stops when told to, and the demo shows what the pixel captured.

const CLI = 'node packages/collector/dist/cli.js';

/** A folder that looks like the clone to commands with relative paths: its own data. */
function cloneLikeFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'clm-first-hour-'));
  symlinkSync(join(REPO, 'packages'), join(dir, 'packages'));
  return dir;
}

const healthy = (url: string) =>
  fetch(`${url}/healthz`).then(
    (res) => res.ok,
    () => false,
  );

test.describe('the README, command by command', () => {
  const commands = rootReadmeCommands();
  const of = (pattern: RegExp) => commands.filter((c) => pattern.test(c.text));

  test('starts with the two commands that set up a machine with only Node.js', () => {
    const [demo, tests] = commands;
    expect(demo?.text).toBe('npx -y pnpm@10.34.8 install && npx -y pnpm@10.34.8 demo');
    expect(tests?.text).toBe('npx -y pnpm@10.34.8 install && npx -y pnpm@10.34.8 test');
    const pinned = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).packageManager;
    expect(pinned).toBe('pnpm@10.34.8');
    // The test command sets up what the tests need, and leaves the registry check out.
    const scripts = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).scripts;
    expect(scripts.test).toMatch(/^node scripts\/test-setup\.mjs && /);
    expect(scripts.test).not.toContain('pack-smoke');
    expect(readFileSync(join(REPO, '.ci/run'), 'utf8')).toMatch(/pnpm test\npnpm pack:smoke\n/);
  });

  test('every collector command runs as written', async () => {
    test.setTimeout(90_000);
    // Each command is one of these; a new one in the README must be added here.
    const known = (c: ReadmeCommand) =>
      /^npx -y pnpm@10\.34\.8 install && npx -y pnpm@10\.34\.8 (demo|test)$/.test(c.text) ||
      c.text.includes(`${CLI} `);
    expect(commands.filter((c) => !known(c)).map((c) => c.text)).toEqual([]);
    const subcommands = new Set(
      commands.flatMap((c) => {
        const sub = new RegExp(`${CLI} (usage calendar|[a-z-]+)`).exec(c.text)?.[1];
        return sub ? [sub] : [];
      }),
    );
    expect([...subcommands].sort()).toEqual(
      [
        'export',
        'orders',
        'pixel-info',
        'replay',
        'serve',
        'status',
        'usage',
        'usage calendar',
      ].sort(),
    );

    const dir = cloneLikeFolder();
    try {
      // Self-hosting: the command after the install and the build (done before the tests),
      // on the port and interfaces it names; PORT=0 only so that it cannot collide.
      const [selfHost] = of(/ serve$/);
      expect(selfHost?.heading).toBe('## Self-hosting the collector');
      const serveCommand = selfHost?.text.split(' && ').at(-1) ?? '';
      expect(selfHost?.text).toBe(
        `npx -y pnpm@10.34.8 install && npx -y pnpm@10.34.8 build && ${serveCommand}`,
      );
      const serve = await spawnReady('bash', ['-c', serveCommand], {
        cwd: dir,
        env: cleanEnv({ PORT: '0' }),
        ready: /"msg":"pixel: (http:\/\/[^/\s]+)\/(pixel\.[0-9a-f]{16}\.js) /,
      });
      const listening = /listening on http:\/\/0\.0\.0\.0:(\d+)/.exec(serve.output());
      expect(listening, 'bound to every interface').not.toBeNull();
      // The start-up log names an address a page can load the pixel from.
      const [, pixelBase, pixelFile] = serve.match;
      expect(pixelBase).toBe(`http://127.0.0.1:${listening?.[1]}`);
      expect((await fetch(`${pixelBase}/${pixelFile}`)).status).toBe(200);
      expect(await healthy(pixelBase ?? '')).toBe(true);
      expect(existsSync(join(dir, 'data/collector.sqlite')), 'data/ in the folder').toBe(true);

      const run = async (command: ReadmeCommand) => {
        const result = await runInBash(command.text, { cwd: dir, env: cleanEnv() });
        expect(result.code, `${command.text}\n${result.stdout}${result.stderr}`).toBe(0);
        return result;
      };
      const runnable = commands.filter(
        (c) =>
          c.text.includes(`${CLI} `) && !c.text.endsWith(' serve') && !c.text.startsWith('CLM_DB='),
      );
      for (const command of runnable) {
        const { stdout, stderr } = await run(command);
        if (command.text.includes(' pixel-info ')) {
          // The two lines to paste, as the README shows them.
          const [stub, tag] = stdout.split('\n');
          expect(rootReadmeHtmlLines()).toContain(stub);
          expect(tag).toMatch(
            /^<script async src="https:\/\/collect\.provider\.example\/pixel\.[0-9a-f]{16}\.js" integrity="sha384-[\w+/=]+" crossorigin="anonymous" data-provider-key="PK-123" data-service="acme-crm"><\/script>$/,
          );
          expect(stderr).toBe('');
        }
        if (command.text.endsWith(' status')) expect(stdout).toContain('relays:');
        if (command.text.endsWith(' usage calendar')) expect(stdout).toMatch(/blackout/i);
        if (command.text.includes(' export --billing ')) {
          expect(readFileSync(join(dir, 'billing.csv'), 'utf8')).toMatch(
            /^provisioningId,customerId,productSku,period,/,
          );
          expect(stderr).toMatch(/^exported 0 ledger lines and 0 billing calls \(csv\) to /m);
        } else if (command.text.includes(' export ')) {
          expect(readFileSync(join(dir, 'relays.csv'), 'utf8')).toMatch(/^id,kind,/);
          expect(stderr).toMatch(/^exported 0 relays \(csv\) to /m);
        }
      }

      // SIGTERM stops it cleanly.
      serve.child.kill('SIGTERM');
      expect(await serve.exited).toEqual([0, null]);

      // The demo's database, where the README names it.
      mkdirSync(join(dir, '.demo'));
      copyFileSync(join(dir, 'data/collector.sqlite'), join(dir, '.demo/collector.sqlite'));
      const onDemo = commands.filter((c) => c.text.startsWith('CLM_DB=.demo/collector.sqlite '));
      expect(onDemo.map((c) => c.heading)).toContain('## The demo');
      for (const command of onDemo) await run(command);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test.describe('pnpm start', () => {
  const start = async (dir: string, detached = false) => {
    const pnpm = await spawnReady('pnpm', ['start'], {
      cwd: REPO,
      detached,
      env: cleanEnv({
        CLM_DB: join(dir, 'collector.sqlite'),
        HOST: '127.0.0.1',
        PORT: '0',
        ONRAMP_BASE_URL: 'http://127.0.0.1:9',
        CLM_PARTNER_KEYS: 'PK-START',
      }),
      ready: /listening on (http:\/\/127\.0\.0\.1:\d+)/,
    });
    const url = pnpm.match[1] ?? '';
    const [collector] = childrenOf(pnpm.child.pid ?? 0);
    expect(collector, 'the collector runs as pnpm’s child').toBeGreaterThan(0);
    expect(await healthy(url)).toBe(true);
    return { pnpm, url, collector: collector as number };
  };

  /** pnpm exited 0, and the collector under it stopped after finishing its shutdown. */
  const expectStoppedCleanly = async ({
    pnpm,
    url,
    collector,
  }: Awaited<ReturnType<typeof start>>) => {
    const [code] = await pnpm.exited;
    expect(code, pnpm.output()).toBe(0);
    expect(isRunning(collector)).toBe(false);
    expect(await healthy(url)).toBe(false);
    expect(pnpm.output()).toContain('"msg":"stopped"');
  };

  test('stops the collector when pnpm gets SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clm-start-'));
    try {
      const started = await start(dir);
      started.pnpm.child.kill('SIGTERM');
      await expectStoppedCleanly(started);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('stops cleanly on Ctrl+C, which signals pnpm and the collector alike', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clm-start-'));
    try {
      // Its own process group, as a terminal's foreground job: Ctrl+C sends SIGINT to all of it.
      const started = await start(dir, true);
      process.kill(-(started.pnpm.child.pid ?? 0), 'SIGINT');
      // Not cut short by pnpm passing the same SIGINT on.
      await expectStoppedCleanly(started);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('stops the collector when pnpm dies without passing anything on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clm-start-'));
    try {
      const { pnpm, url, collector } = await start(dir);
      pnpm.child.kill('SIGKILL');
      await pnpm.exited;
      await expect.poll(() => isRunning(collector)).toBe(false);
      expect(await healthy(url)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('the demo starts fresh, shows the captured referral, and says why a signup without one is not reported', async ({
  browser,
}) => {
  test.setTimeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'clm-demo-'));
  // What an earlier run left: the sandbox and the site forgot its orders, so it must go.
  writeFileSync(join(dir, 'collector.sqlite'), 'an earlier run');
  const ports = { sandbox: await freePort(), collector: await freePort(), site: await freePort() };
  const demo = await spawnReady(process.execPath, ['scripts/demo.mjs'], {
    cwd: REPO,
    // Its own process group: the demo and the collector and sandbox it started stop together.
    detached: true,
    env: cleanEnv({
      DEMO_SANDBOX_PORT: String(ports.sandbox),
      DEMO_COLLECTOR_PORT: String(ports.collector),
      DEMO_SITE_PORT: String(ports.site),
      DEMO_DATA_DIR: dir,
    }),
    ready: /Everything is running/,
  });
  const site = `http://127.0.0.1:${ports.site}`;
  const sandbox = `http://127.0.0.1:${ports.sandbox}`;
  try {
    expect(demo.output()).toContain(
      "[demo] Every run starts fresh: the sandbox and the site keep nothing across runs, so the collector's database is new too (the last run's database was removed).",
    );
    // What a provider needs to call the API itself: the token and an example of each call.
    expect(demo.output()).toContain(
      "curl -s -H 'Authorization: Bearer demo-provider-api-token' -H 'Content-Type: application/json'",
    );
    expect(demo.output()).toContain(`http://127.0.0.1:${ports.collector}/api/billing/start`);
    expect(demo.output()).toContain(`http://127.0.0.1:${ports.collector}/api/usage`);
    // The sandbox gets the provider key in its environment: `ps` shows any user command lines.
    const commands = commandLinesOf(demo.child.pid ?? 0);
    expect(commands.filter((line) => / sandbox /.test(line))).toHaveLength(1);
    expect(commands.join('\n')).not.toContain('PK-DEMO');
    expect(demo.output()).toContain(
      'provider calls must carry the provider key of CLM_PROVIDER_KEY',
    );
    // Without a referral: the landing page and the signup say so; nothing "arrives".
    const plain = await browser.newPage();
    await plain.goto(`${site}/`);
    await expect(plain.locator('#referral')).toContainText(
      'No marketplace referral in this browser',
    );
    await plain.getByRole('button', { name: 'Start free trial' }).click();
    await expect(plain.locator('#result')).toContainText(
      'Purchase not reported: this browser has no marketplace referral',
    );
    await expect(plain.locator('#next')).toBeHidden();
    await plain.close();

    // From the marketplace link: the referral is shown, the purchase reaches the sandbox.
    const referred = await browser.newPage();
    await referred.goto(`${site}/?clm_ref=R-FIRST-HOUR&utm_source=clm-marketplace`);
    await expect(referred.locator('#referral')).toContainText(
      'Marketplace referral captured: R-FIRST-HOUR (utm_source=clm-marketplace)',
    );
    await referred.getByRole('button', { name: 'Start free trial' }).click();
    await expect(referred.locator('#result')).toHaveText(/^Purchase reported to the collector/);
    await expect(referred.locator('#next')).toBeVisible();
    await expect(async () => {
      await referred.goto(`${sandbox}/`);
      await expect(referred.locator('#count')).toHaveText('1 purchase received.', { timeout: 500 });
    }).toPass();
    await expect(referred.locator('#dashboard-link')).toHaveAttribute(
      'href',
      `http://127.0.0.1:${ports.collector}/admin`,
    );
    await expect(referred.locator('#refresh-note')).toHaveText('This page refreshes every 2 s.');
    // The purchase's key is shown masked, as every key on the sandbox's pages.
    await expect(referred.locator('td[data-label="partnerKey"]')).toHaveText('PK-…');
    expect(await referred.content()).not.toContain('PK-DEMO');
    await referred.close();

    // An order: one product name on the marketplace and the site; the result page is a GET
    // (reloading it orders nothing) that says what to do next, on the collector.
    const buyer = await browser.newPage();
    await buyer.goto(`${sandbox}/marketplace`);
    await expect(buyer.locator('#product-name')).toHaveText('Acme CRM');
    await buyer.locator('#contact-email').fill('jo@example.com');
    await Promise.all([buyer.waitForURL(/\/marketplace\/result\//), buyer.locator('#buy').click()]);
    const provisioningId = (await buyer.locator('#provisioning-id').textContent()) ?? '';
    await expect(buyer.locator('#orders-link')).toHaveAttribute(
      'href',
      `http://127.0.0.1:${ports.collector}/admin/orders`,
    );
    await buyer.reload();
    await expect(buyer.locator('#provisioning-id')).toHaveText(provisioningId);
    await buyer.goto(`${sandbox}/marketplace`);
    await expect(buyer.locator('#count-orders')).toHaveText(
      '1 order provisioned; each links to its bill.',
    );
    // Decimal usage on the account page, added up exactly.
    await buyer.goto(`${site}/account?provisioningId=${encodeURIComponent(provisioningId)}`);
    for (const [units, total] of [
      ['0.25', '0.25'],
      ['1.5', '1.75'],
    ] as const) {
      await buyer.getByLabel('Units of MRKTPLC-DEMO-CRM-SEATS').fill(units);
      await Promise.all([
        buyer.waitForEvent('load'),
        buyer.getByRole('button', { name: 'Record usage' }).click(),
      ]);
      await expect(buyer.locator('#result')).toContainText(
        `${units} units of MRKTPLC-DEMO-CRM-SEATS recorded`,
      );
      await expect(buyer.locator('#usage .quantity')).toHaveText(total);
    }
    await buyer.close();
  } finally {
    process.kill(-(demo.child.pid ?? 0), 'SIGTERM');
    await demo.exited;
    rmSync(dir, { recursive: true, force: true });
  }
});
