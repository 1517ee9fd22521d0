import { describe, expect, it } from 'vitest';
import type { CliIo } from '../cli/io.js';
import { runCli } from '../cli/run.js';
import { postJson, waitFor } from '../test-support/http.js';

function io(env: Record<string, string> = {}) {
  const out = { stdout: '', stderr: '' };
  let shutdown = () => {};
  const value: CliIo = {
    env,
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
    shutdown: new Promise<void>((resolve) => (shutdown = resolve)),
  };
  return { io: value, out, shutdown: () => shutdown() };
}

const provisionUrl = 'http://127.0.0.1:9/marketplace/provision';

describe('clm-collector sandbox --provision-url', () => {
  it('exits 2 without CLM_PROVISION_TOKEN, naming it', async () => {
    const { io: cliIo, out } = io();
    expect(await runCli(['sandbox', '--port', '0', '--provision-url', provisionUrl], cliIo)).toBe(
      2,
    );
    expect(out.stderr).toMatch(/--provision-url needs CLM_PROVISION_TOKEN/);
  });

  it('exits 2 on a URL that is not http(s)', async () => {
    const { io: cliIo, out } = io({ CLM_PROVISION_TOKEN: 'tok' });
    expect(
      await runCli(['sandbox', '--port', '0', '--provision-url', 'localhost:8080'], cliIo),
    ).toBe(2);
    expect(out.stderr).toContain('--provision-url must be an http(s) URL');
  });

  it('serves a Buy page sending to the URL, logging where it is but not the token', async () => {
    const { io: cliIo, out, shutdown } = io({ CLM_PROVISION_TOKEN: 'tok-never-logged' });
    const exit = runCli(['sandbox', '--port', '0', '--provision-url', provisionUrl], cliIo);
    const [, url] = await waitFor(() => /"msg":"listening on (http:\/\/[^"]+)"/.exec(out.stdout), {
      message: 'listening',
    });
    expect(out.stdout).toContain(
      `marketplace page: ${url}/marketplace; Buy sends provisioning requests to ${provisionUrl}`,
    );
    const page = await (await fetch(`${url}/marketplace`)).text();
    expect(page).toContain(`<code id="provision-url">${provisionUrl}</code>`);
    expect(page).not.toContain('tok-never-logged');
    shutdown();
    expect(await exit).toBe(0);
    expect(out.stdout + out.stderr).not.toContain('tok-never-logged');
  });

  it('says the Buy button is off without --provision-url', async () => {
    const { io: cliIo, out, shutdown } = io();
    const exit = runCli(['sandbox', '--port', '0'], cliIo);
    await waitFor(() => out.stdout.includes('marketplace page:'), { message: 'page line' });
    expect(out.stdout).toContain(
      'its Buy button is off (set --provision-url and CLM_PROVISION_TOKEN)',
    );
    shutdown();
    expect(await exit).toBe(0);
  });

  it.each([
    ['--provider-key', ['--provider-key', 'PK-CLI'], {}],
    ['CLM_PROVIDER_KEY', [], { CLM_PROVIDER_KEY: 'PK-CLI', CLM_PARTNER_KEYS: 'PK-A,PK-B' }],
    ['CLM_PARTNER_KEYS', [], { CLM_PARTNER_KEYS: 'PK-CLI' }],
  ])('takes provider calls with the key of %s only, never logging it', async (from, args, env) => {
    const { io: cliIo, out, shutdown } = io(env);
    const exit = runCli(['sandbox', '--port', '0', ...args], cliIo);
    const [, url] = await waitFor(() => /"msg":"listening on (http:\/\/[^"]+)"/.exec(out.stdout), {
      message: 'listening',
    });
    await waitFor(() => out.stdout.includes('_sandbox/ledger'), { message: 'ledger line' });
    expect(out.stdout).toContain(`provider calls must carry the provider key of ${from}`);
    const order = { provisioningId: 'p-1', customerId: 'c-1', productId: 1, productSkus: ['S'] };
    expect((await postJson(`${url}/_sandbox/orders`, order)).status).toBe(201);
    const call = { ...order, productSkus: undefined, productSku: 'S', usageCount: 1 };
    const mine = await postJson(`${url}/saas-usage/`, { ...call, providerKey: 'PK-CLI' });
    const other = await postJson(`${url}/saas-usage/`, { ...call, providerKey: 'PK-A' });
    expect([mine.status, other.status]).toEqual([200, 400]);
    shutdown();
    expect(await exit).toBe(0);
    expect(out.stdout + out.stderr).not.toContain('PK-CLI');
  });

  it('warns that provider calls are refused without a provider key', async () => {
    const { io: cliIo, out, shutdown } = io({ CLM_PARTNER_KEYS: 'PK-A,PK-B' });
    const exit = runCli(['sandbox', '--port', '0'], cliIo);
    await waitFor(() => out.stdout.includes('_sandbox/ledger'), { message: 'ledger line' });
    expect(out.stdout).toMatch(/no provider key .* will be refused/);
    shutdown();
    expect(await exit).toBe(0);
  });

  it('sells the product of --product-id, --sku and --field, under --api', async () => {
    const { io: cliIo, out, shutdown } = io({ CLM_PARTNER_KEYS: 'PK-1' });
    const args = ['--product-id', '77', '--sku', 'SKU-A=next-month', '--sku', 'SKU-B'];
    const fields = ['--field', 'Company Name', '--field', 'Phone:optional', '--api', 'v1'];
    const exit = runCli(['sandbox', '--port', '0', ...args, ...fields], cliIo);
    const [, url] = await waitFor(() => /"msg":"listening on (http:\/\/[^"]+)"/.exec(out.stdout), {
      message: 'listening',
    });
    const page = await (await fetch(`${url}/marketplace`)).text();
    expect(page).toContain('value="77"');
    expect(page).toContain('value="SKU-A, SKU-B"');
    expect(page).toContain('name="companyName" required');
    expect(page).toContain('Phone (optional) <input id="phone" name="phone"');
    expect(page).toContain('name="resellerkey"');
    shutdown();
    expect(await exit).toBe(0);
  });

  it('takes each SKU’s model from CLM_SKU_BILLING, as the collector does, unless --sku gives one', async () => {
    const env = { CLM_PARTNER_KEYS: 'PK-1', CLM_SKU_BILLING: 'SKU-A=next-month,SKU-B=immediate' };
    const { io: cliIo, out, shutdown } = io(env);
    const args = ['--sku', 'SKU-A', '--sku', 'SKU-B=delay:3d', '--sku', 'SKU-C'];
    const exit = runCli(['sandbox', '--port', '0', ...args], cliIo);
    const [, url] = await waitFor(() => /"msg":"listening on (http:\/\/[^"]+)"/.exec(out.stdout), {
      message: 'listening',
    });
    const order = { provisioningId: 'p-1', customerId: 'c-1', productId: 123 };
    const res = await postJson(`${url}/_sandbox/orders`, {
      ...order,
      productSkus: ['SKU-A', 'SKU-B', 'SKU-C'],
    });
    const { skus } = (await res.json()) as { skus: { sku: string; billingStart: string }[] };
    expect(skus.map((sku) => [sku.sku, sku.billingStart])).toEqual([
      ['SKU-A', 'next-month'],
      ['SKU-B', 'delay:3d'],
      ['SKU-C', 'manual'],
    ]);
    shutdown();
    expect(await exit).toBe(0);
  });

  it('exits 2 on a CLM_SKU_BILLING the collector would refuse, naming it', async () => {
    const { io: cliIo, out } = io({ CLM_SKU_BILLING: 'SKU-A=later' });
    expect(await runCli(['sandbox', '--port', '0', '--sku', 'SKU-A'], cliIo)).toBe(2);
    expect(out.stderr).toContain(
      'CLM_SKU_BILLING "SKU-A=later": the model of SKU-A must be manual, immediate',
    );
  });

  it.each([
    [['--api', 'v3'], '--api must be v2 or v1'],
    [['--sku', 'SKU-A=later'], 'SKU-A=later: the model must be manual, immediate'],
    [['--field', 'Product Id'], 'productId is not a form field'],
  ])('exits 2 on %j', async (args, message) => {
    const { io: cliIo, out } = io();
    expect(await runCli(['sandbox', '--port', '0', ...args], cliIo)).toBe(2);
    expect(out.stderr).toContain(message);
  });
});
