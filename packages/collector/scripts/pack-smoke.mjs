// Packs @clm/collector, installs the tarball into an empty project from the npm registry
// and runs it the way a provider (and the Dockerfile) does: `npx @clm/collector serve`.
// A purchase beacon must reach a sandbox onramp exactly once. Everything listens on
// 127.0.0.1; the temporary directory is removed at the end. Run after `pnpm build`.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnReady } from '../../../scripts/lib/spawn-ready.mjs';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'clm-pack-smoke-'));
const started = [];
const timings = [];
const say = (message) => console.log(`[pack-smoke] ${message}`);

// Variables of the caller's own collector must not leak into the one under test.
const baseEnv = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(CLM_|ONRAMP_BASE_URL$|PORT$|HOST$)/.test(name),
    ),
  ),
  // npx forwards SIGTERM to the shell it runs the bin with; dash (Debian's sh) does not
  // pass it on, bash execs the bin. The image runs the bin itself, as phase 2 does.
  npm_config_script_shell: 'bash',
};

async function timed(label, work) {
  const start = performance.now();
  const result = await work();
  timings.push([label, performance.now() - start]);
  return result;
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** Runs a command to its end; rejects with its output unless it exits 0. */
function run(command, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve({ stdout, stderr })
        : reject(new Error(`${command} ${args.join(' ')} exited ${code}\n${stdout}${stderr}`)),
    );
  });
}

/** Starts a server command; resolves once it logs "listening on <url>" (text or JSON lines). */
async function startServer(name, command, args, env) {
  const server = { name, output: '' };
  started.push(server);
  const ready = await spawnReady(command, args, {
    name,
    cwd: join(work, 'app'),
    env,
    // Its own process group, so cleanup reaches node behind npx too.
    detached: true,
    ready: /listening on (http:\/\/[\w.:[\]]+)/,
    timeoutMs: 30_000,
    onSpawn: (child) => (server.child = child),
    onOutput: (text) => (server.output += text),
  });
  server.exited = ready.exited;
  server.url = ready.match[1];
  return server;
}

async function waitFor(condition, what, { timeoutMs = 30_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function main() {
  for (const file of ['dist/cli.js', 'dist/pixel/pixel.js']) {
    check(existsSync(join(packageDir, file)), `${file} is missing: run pnpm build first`);
  }
  const packDir = join(work, 'pack');
  const tarball = await timed('pnpm pack', async () => {
    await run('pnpm', ['pack', '--pack-destination', packDir], { cwd: packageDir });
    return join(
      packDir,
      readdirSync(packDir).find((name) => name.endsWith('.tgz')),
    );
  });
  const { stdout: listing } = await run('tar', ['-tzf', tarball]);
  check(listing.includes('package/dist/pixel/pixel.js'), 'the tarball lacks dist/pixel/pixel.js');
  check(!/\.test\.|test-support|package\/src\//.test(listing), 'the tarball carries tests or src');

  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), '{ "name": "clm-pack-smoke", "private": true }\n');
  // Build better-sqlite3 from source rather than fetch a prebuilt binary off the registry.
  const installEnv = { ...baseEnv, npm_config_build_from_source: 'true' };
  await timed('npm install <tarball>', () =>
    run('npm', ['install', tarball, '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: app,
      env: installEnv,
    }),
  );

  const { stdout: help } = await run('npx', ['clm-collector', '--help'], {
    cwd: app,
    env: baseEnv,
  });
  check(/serve[\s\S]*status[\s\S]*export/.test(help), `unexpected --help output:\n${help}`);

  const sandbox = await timed('sandbox start', () =>
    startServer('sandbox', 'npx', ['clm-collector', 'sandbox', '--port', '0'], baseEnv),
  );
  const env = {
    ...baseEnv,
    HOST: '127.0.0.1',
    PORT: '0',
    CLM_DB: join(work, 'data', 'collector.sqlite'),
    ONRAMP_BASE_URL: sandbox.url,
    CLM_PARTNER_KEYS: 'PK-SMOKE',
  };
  const collector = await timed('npx @clm/collector serve, until listening', () =>
    startServer('collector', 'npx', ['@clm/collector', 'serve'], env),
  );
  say(`collector listening on ${collector.url}, sandbox onramp on ${sandbox.url}`);

  const health = await fetch(`${collector.url}/healthz`);
  check(health.status === 200, `GET /healthz answered ${health.status}`);
  const pixel = await fetch(`${collector.url}/pixel.js`);
  const served = Buffer.from(await pixel.arrayBuffer());
  check(pixel.status === 200, `GET /pixel.js answered ${pixel.status}`);
  check(/javascript/.test(pixel.headers.get('content-type') ?? ''), 'GET /pixel.js is not JS');
  const built = await readFile(join(packageDir, 'dist/pixel/pixel.js'));
  check(served.equals(built), 'GET /pixel.js differs from the built pixel');

  const received = () => fetch(`${sandbox.url}/_sandbox/received`).then((res) => res.json());
  const [tracking] = await timed('purchase beacon, until the onramp got it', async () => {
    const beacon = {
      v: 1,
      type: 'purchase',
      id: 'evt_pack_smoke_1',
      key: 'PK-SMOKE',
      service: 'smoke-crm',
      customerId: 'smoke-customer',
      ref: null,
      time: Date.now(),
    };
    const res = await fetch(`${collector.url}/beacon`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify(beacon),
    });
    check(res.ok, `POST /beacon answered ${res.status}: ${await res.text()}`);
    return waitFor(async () => {
      const calls = await received();
      return calls.length > 0 && calls;
    }, 'the SaasTracking at the sandbox');
  });
  check(
    tracking.body.partnerKey === 'PK-SMOKE' && tracking.body.customerId === 'smoke-customer',
    `unexpected SaasTracking ${JSON.stringify(tracking.body)}`,
  );
  // The admin CLI of the installed package, beside the running collector.
  await waitFor(async () => {
    const { stdout } = await run('npx', ['clm-collector', 'status', '--json'], { cwd: app, env });
    return JSON.parse(stdout).relays.delivered === 1;
  }, 'the relay to be marked delivered');
  const calls = await received();
  check(calls.length === 1, `the sandbox got ${calls.length} SaasTrackings, not exactly one`);

  await timed('SIGTERM, until npx exited', () => stop(collector));

  // Phase 2: the Dockerfile's command, the bin on PATH, restarted on the same database.
  const binEnv = { ...env, PATH: `${join(app, 'node_modules', '.bin')}:${env.PATH}` };
  const restarted = await timed('clm-collector serve (the image CMD), until listening', () =>
    startServer('collector (bin)', 'clm-collector', ['serve'], binEnv),
  );
  const ready = await fetch(`${restarted.url}/readyz`);
  check(ready.status === 200, `GET /readyz answered ${ready.status} after a restart`);
  await timed('SIGTERM, until the bin exited', () => stop(restarted));
  const after = await received();
  check(after.length === 1, `the sandbox got ${after.length} SaasTrackings after the restart`);
  await stop(sandbox);
}

async function stop(server) {
  server.child.kill('SIGTERM');
  const [code, signal] = await server.exited;
  check(code === 0, `${server.name} exited with ${code ?? signal} on SIGTERM, not 0`);
  if (server.name.startsWith('collector')) {
    check(/stopped/.test(server.output), `${server.name} did not log that it stopped`);
  }
}

const total = performance.now();
try {
  await main();
  say('ok: packed collector served /healthz and /pixel.js and relayed one purchase once');
} catch (error) {
  process.exitCode = 1;
  console.error(`[pack-smoke] FAILED: ${error instanceof Error ? error.message : error}`);
  for (const server of started) console.error(`--- ${server.name} output ---\n${server.output}`);
} finally {
  // Whole groups: node behind npx must not outlive a failed run.
  for (const { child } of started) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // The group is gone already.
    }
  }
  rmSync(work, { recursive: true, force: true });
  timings.push(['total', performance.now() - total]);
  for (const [label, ms] of timings) say(`${(ms / 1000).toFixed(1).padStart(6)} s  ${label}`);
}
