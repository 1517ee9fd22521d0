import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { createSandboxApp } from '../sandbox/app.js';
import { openSqliteStore } from '../store/sqlite.js';
import { postBeacon } from '../test-support/beacons.js';
import { purchaseFixture } from '../test-support/fixtures.js';
import { listen, postJson, waitFor } from '../test-support/http.js';
import { tempDir } from '../test-support/tmp.js';
import type { CliIo } from './io.js';
import { runCli } from './run.js';

function io(env: Record<string, string> = {}, extra: Partial<CliIo> = {}) {
  const out = { stdout: '', stderr: '' };
  const value: CliIo = {
    env,
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
    ...extra,
  };
  return { io: value, out };
}

async function closedPortUrl() {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe('clm-collector', () => {
  it('prints help and exits 0 with --help, 2 without a command', async () => {
    const help = io();
    expect(await runCli(['--help'], help.io)).toBe(0);
    expect(help.out.stdout).toMatch(/serve[\s\S]*track[\s\S]*sandbox/);
    const none = io();
    expect(await runCli([], none.io)).toBe(2);
    expect(none.out.stderr).toContain('Usage: clm-collector');
  });

  it('names every command in the top-level help, those under usage too', async () => {
    const help = io();
    expect(await runCli(['--help'], help.io)).toBe(0);
    const text = help.out.stdout;
    expect(text).toMatch(
      /provisions\s+marketplace\s+orders,\s+starts\s+and\s+ends\s+their\s+billing/,
    );
    for (const command of [
      'serve',
      'track',
      'sandbox',
      'pixel-info',
      'status',
      'orders',
      'usage',
      'replay',
      'export',
    ])
      expect(text, command).toMatch(new RegExp(`\\n {2}${command}\\b`));
    for (const sub of ['close', 'confirm', 'resend', 'calendar'])
      expect(text, `usage ${sub}`).toMatch(new RegExp(`\\n {2}usage ${sub} +\\S`));
  });

  it.each([['serve'], ['track'], ['sandbox'], ['pixel-info']])(
    'has --help for %s',
    async (command) => {
      const { io: cliIo, out } = io();
      expect(await runCli([command, '--help'], cliIo)).toBe(0);
      expect(out.stdout).toContain(`Usage: clm-collector ${command}`);
    },
  );

  it('waits 60 s for the onramp in track by default, as the seed script does', async () => {
    const { io: cliIo, out } = io();
    expect(await runCli(['track', '--help'], cliIo)).toBe(0);
    expect(out.stdout).toMatch(/--timeout <ms>\s+give up after this many ms \(default: 60000\)/);
  });

  it('exits 2 on an unknown command or option', async () => {
    expect(await runCli(['frobnicate'], io().io)).toBe(2);
    expect(await runCli(['sandbox', '--port', 'http'], io().io)).toBe(2);
  });
});

describe('clm-collector track', () => {
  async function sandbox() {
    const url = await listen(createSandboxApp());
    return {
      env: { ONRAMP_BASE_URL: url },
      url,
      received: async () =>
        (await (await fetch(`${url}/_sandbox/received`)).json()) as { body: unknown }[],
    };
  }

  it('sends one SaasTracking, prints status and body, exits 0', async () => {
    const s = await sandbox();
    const { io: cliIo, out } = io(s.env);
    const code = await runCli(
      ['track', 'PK-1', 'acme-crm', 'cust 42', '2025-01-31T13:00:00+01:00'],
      cliIo,
    );
    expect(code).toBe(0);
    expect(out.stdout).toBe('status: 200\nbody: {"id":1}\n');
    expect(await s.received()).toMatchObject([
      {
        body: {
          partnerKey: 'PK-1',
          serviceName: 'acme-crm',
          customerId: 'cust 42',
          purchasedAt: '2025-01-31T12:00:00.000Z',
        },
      },
    ]);
  });

  it('says what it bypasses, and refuses a customer the collector already relayed', async () => {
    const s = await sandbox();
    const db = join(tempDir(), 'c.sqlite');
    const store = await openSqliteStore({ path: db, logger: silentLogger });
    const { event, relay } = purchaseFixture({ partnerKey: 'PK-1', customerId: 'cust-9' });
    await store.recordEvent(event, relay);
    await store.close();
    const env = { ...s.env, CLM_DB: db };
    const first = io(env);
    expect(await runCli(['track', 'PK-1', 'acme-crm', 'cust-9'], first.io)).toBe(1);
    expect(first.out.stderr).toContain('it is not stored, retried or shown');
    expect(first.out.stderr).toMatch(
      /already holds this customer's purchase as relay #1 \(pending/,
    );
    expect(await s.received()).toEqual([]);
    expect(await runCli(['track', 'PK-1', 'acme-crm', 'cust-9', '--force'], io(env).io)).toBe(0);
    expect(await s.received()).toHaveLength(1);
  });

  it('defaults purchased-at to now', async () => {
    const s = await sandbox();
    const before = Date.now();
    expect(await runCli(['track', 'PK-1', 'acme-crm', 'cust-1'], io(s.env).io)).toBe(0);
    const [call] = (await s.received()) as { body: { purchasedAt: string } }[];
    expect(Date.parse(call?.body.purchasedAt ?? '')).toBeGreaterThanOrEqual(before - 1000);
  });

  it('exits 1 when the onramp refuses', async () => {
    const s = await sandbox();
    await postJson(`${s.url}/_sandbox/mode`, { mode: 'reject' });
    const { io: cliIo, out } = io(s.env);
    expect(await runCli(['track', 'PK-1', 'acme-crm', 'cust-1'], cliIo)).toBe(1);
    expect(out.stdout).toBe(
      'status: 400\nbody: {"error":"sandbox reject mode: tracking refused"}\n',
    );
  });

  it('exits 1 on a network error', async () => {
    const { io: cliIo, out } = io({ ONRAMP_BASE_URL: await closedPortUrl() });
    expect(await runCli(['track', 'PK-1', 'acme-crm', 'cust-1'], cliIo)).toBe(1);
    expect(out.stderr).toMatch(/error: fetch failed/);
  });

  it.each([
    [['track', 'PK-1', 'acme-crm'], "missing required argument 'customer-id'"],
    [['track', 'PK 1', 'acme-crm', 'c'], 'partner-key must be 1-128 printable ASCII'],
    [['track', 'PK-1', '', 'c'], 'service-name must be 1-128'],
    [['track', 'PK-1', 'acme-crm', ''], 'customer-id must not be empty'],
    [
      ['track', 'PK-1', 'acme-crm', 'c', 'last tuesday'],
      'purchased-at "last tuesday" is not an ISO-8601 date-time with a zone',
    ],
    // Read in this machine's zone, 10:00 in New York would have become 15:00Z.
    [['track', 'PK-1', 'acme-crm', 'c', '2025-01-31T10:00:00'], 'with a zone'],
    [['track', 'PK-1', 'acme-crm', 'c', '2025-01-31'], 'with a zone'],
    [['track', 'PK-1', 'acme-crm', 'c', '2025-01-01', 'extra'], 'too many arguments'],
  ])('exits 2 on bad arguments %j', async (argv, message) => {
    const { io: cliIo, out } = io({ ONRAMP_BASE_URL: 'http://127.0.0.1:9' });
    expect(await runCli(argv, cliIo)).toBe(2);
    expect(out.stderr).toContain(message);
  });

  it.each([
    [{}, 'ONRAMP_BASE_URL is required'],
    [{ ONRAMP_BASE_URL: 'onramp.example' }, 'ONRAMP_BASE_URL must be an http:// or https:// URL'],
  ])('exits 2 when ONRAMP_BASE_URL is bad (%j)', async (env, message) => {
    const { io: cliIo, out } = io(env);
    expect(await runCli(['track', 'PK-1', 'acme-crm', 'c'], cliIo)).toBe(2);
    expect(out.stderr).toContain(message);
  });
});

describe('clm-collector serve', () => {
  it('exits 2 naming the variable when the environment is invalid', async () => {
    const { io: cliIo, out } = io({ ONRAMP_BASE_URL: 'http://127.0.0.1:9', PORT: 'x' });
    expect(await runCli(['serve'], cliIo)).toBe(2);
    expect(out.stderr).toContain('PORT must be a whole number');
    expect(out.stderr).toContain('CLM_PARTNER_KEYS is required');
  });

  it('collects a purchase, relays it, and shuts down cleanly', async () => {
    const onramp = await listen(createSandboxApp());
    let shutdown = () => {};
    const { io: cliIo, out } = io(
      {
        ONRAMP_BASE_URL: onramp,
        CLM_PARTNER_KEYS: 'PK-1',
        HOST: '127.0.0.1',
        PORT: '0',
        CLM_DB: join(tempDir(), 'db', 'collector.sqlite'),
      },
      { shutdown: new Promise<void>((resolve) => (shutdown = resolve)) },
    );
    const exit = runCli(['serve'], cliIo);
    const [, url] = await waitFor(
      () => /"component":"collector","msg":"listening on (http:\/\/[^"]+)"/.exec(out.stdout),
      { message: 'listening' },
    );
    const res = await postBeacon(url as string, {
      id: 'evt_serve_01',
      customerId: 'cust-9',
      ref: null,
      time: Date.now(),
    });
    expect(res.status).toBe(204);
    await waitFor(
      async () =>
        ((await (await fetch(`${onramp}/_sandbox/received`)).json()) as unknown[]).length === 1,
      { message: 'relay' },
    );
    shutdown();
    expect(await exit).toBe(0);
    expect(out.stdout).toContain('"component":"collector","msg":"stopped"');
    // Not a terminal: JSON lines by default.
    for (const line of out.stdout.trim().split('\n'))
      expect(JSON.parse(line)).toHaveProperty('msg');
    expect(out.stdout + out.stderr).not.toContain('cust-9');
  });
});

describe('clm-collector pixel-info', () => {
  it('prints the versioned file, its integrity and a tag', async () => {
    const { io: cliIo, out } = io();
    const code = await runCli(['pixel-info', '--collector', 'https://c.example/'], cliIo);
    // The pixel is built before the tests (pnpm test); without it the command exits 1.
    if (code === 1) return expect(out.stderr).toContain('not built');
    expect(code).toBe(0);
    const [, file, integrity] =
      /file: (pixel\.[0-9a-f]{16}\.js)\nintegrity: (sha384-[A-Za-z0-9+/]+=*)\n/.exec(out.stdout) ??
      [];
    expect(out.stdout).toContain(
      `<script async src="https://c.example/${file}" integrity="${integrity}" crossorigin="anonymous"`,
    );
  });
});

describe('clm-collector sandbox', () => {
  it('listens on the given port and stops on shutdown', async () => {
    let shutdown = () => {};
    const { io: cliIo, out } = io(
      {},
      { shutdown: new Promise<void>((resolve) => (shutdown = resolve)) },
    );
    const exit = runCli(['sandbox', '--port', '0'], cliIo);
    const [, url] = await waitFor(
      () => /"component":"sandbox","msg":"listening on (http:\/\/[^"]+)"/.exec(out.stdout),
      { message: 'listening' },
    );
    expect((await fetch(`${url}/_sandbox/received`)).status).toBe(200);
    shutdown();
    expect(await exit).toBe(0);
  });
});
