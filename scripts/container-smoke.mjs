// `pnpm container:smoke`: builds packages/collector/Dockerfile with podman (as root, on a
// Debian machine that reaches only Debian's mirrors and the npm registry: no image registry,
// so the base image is a local stand-in, scripts/container/base-image.mjs) and runs it as a
// provider would: healthy, unprivileged, its code read-only, its database on /data, one
// purchase relayed to a sandbox onramp in the same network namespace, then a clean stop.
// Everything listens on loopback; its containers and volume are removed even on failure.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { buildCollectorImage, COLLECTOR_IMAGE } from './container/image-build.mjs';
import { check, run, runCheck, sayer, timed, waitFor, waitForOk } from './container/process.mjs';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));
const say = sayer('container-smoke');
const name = `clm-smoke-${process.pid}`;
const sandbox = `${name}-onramp`;
const collector = `${name}-collector`;
const volume = `${name}-data`;
const apiToken = randomBytes(24).toString('hex');

const podman = (...args) => run('podman', args).then(({ stdout }) => stdout.trim());
const inCollector = (...args) => podman('exec', collector, ...args);

const words = (text) => text.trim().split(/\s+/);

/** The sandbox onramp, publishing on loopback the port the collector will listen on. */
async function startOnramp() {
  await podman(
    ...words(`run -d --name ${sandbox} -p 127.0.0.1::8080 -e CLM_PARTNER_KEYS=PK-SMOKE`),
    COLLECTOR_IMAGE,
    ...words('clm-collector sandbox --host 127.0.0.1 --port 8090'),
  );
  const published = await podman('port', sandbox, '8080/tcp');
  return `http://${published.split('\n')[0]}`;
}

/** The image's own command and settings, with the sandbox as its onramp and a named volume. */
async function startCollector(url) {
  await podman('volume', 'create', volume);
  await podman(
    ...words(`run -d --name ${collector} --network=container:${sandbox} -v ${volume}:/data`),
    ...words('-e ONRAMP_BASE_URL=http://127.0.0.1:8090 -e CLM_PARTNER_KEYS=PK-SMOKE'),
    ...['-e', `CLM_API_TOKEN=${apiToken}`, COLLECTOR_IMAGE],
  );
  await waitForOk(`${url}/healthz`, 60_000);
}

async function checkContainer() {
  await run('podman', ['healthcheck', 'run', collector]);
  check((await inCollector('id', '-u')) === '1000', 'the collector does not run as uid 1000');
  const writable = await inCollector(
    'node',
    '-e',
    "for (const p of ['/app', '/app/package.json', '/app/node_modules']) try { fs.accessSync(p, fs.constants.W_OK); console.log(p) } catch {}",
  );
  check(writable === '', `the service user can write ${writable}`);
  const owners = await inCollector('stat', '-c', '%U:%G %n', '/data', '/data/collector.sqlite');
  check(
    /^node:node \/data\nnode:node \/data\/collector.sqlite$/.test(owners),
    `/data is\n${owners}`,
  );
  say('healthy; uid 1000; /app read-only; /data/collector.sqlite owned by node');
}

async function relayOnePurchase(url) {
  const res = await fetch(`${url}/api/purchases`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ customerId: 'smoke-customer', serviceName: 'smoke-crm' }),
  });
  check(res.status === 202, `POST /api/purchases answered ${res.status}: ${await res.text()}`);
  await waitFor(async () => {
    const status = JSON.parse(await inCollector('clm-collector', 'status', '--json'));
    return status.relays.delivered === 1;
  }, 'the purchase to be delivered to the sandbox onramp');
  const received = await podman(
    ...words(`exec ${sandbox} node -e`),
    "fetch('http://127.0.0.1:8090/_sandbox/received').then((r) => r.json()).then((c) => console.log(c.length))",
  );
  check(received === '1', `the sandbox onramp got ${received} SaasTrackings, not exactly one`);
}

// The image's CMD is the bin itself, so SIGTERM reaches node: a clean stop takes well under
// podman's 10 s grace, after which it would SIGKILL (exit 137).
async function stopCollector() {
  const start = performance.now();
  await timed('podman stop', () => podman('stop', '--time', '10', collector));
  const seconds = (performance.now() - start) / 1000;
  check(seconds < 5, `podman stop took ${seconds.toFixed(1)} s`);
  const code = await podman('inspect', '--format', '{{.State.ExitCode}}', collector);
  check(code === '0', `the collector exited ${code} on podman stop, not 0`);
  const { stdout, stderr } = await run('podman', ['logs', collector]);
  check(/stopped/.test(stdout + stderr), 'the collector did not log that it stopped');
}

async function main() {
  await buildCollectorImage(say);
  const url = await timed('start, until /healthz answers', async () => {
    const published = await startOnramp();
    await startCollector(published);
    return published;
  });
  say(`collector on ${url}`);
  await timed('checks', checkContainer);
  await timed('POST /api/purchases, until delivered', () => relayOnePurchase(url));
  await stopCollector();
}

await runCheck('container-smoke', main, {
  ok: 'the image built, served, relayed one purchase and stopped cleanly',
  async onFailure() {
    for (const ctr of [collector, sandbox]) {
      const logs = await run('podman', ['logs', ctr], { allowFail: true });
      if (logs.code === 0) console.error(`--- ${ctr} ---\n${logs.stdout}${logs.stderr}`);
    }
  },
  async cleanup() {
    // The collector first: it uses the sandbox's network namespace. `--volumes` takes the
    // sandbox's anonymous /data volume with it.
    for (const ctr of [collector, sandbox]) {
      await run('podman', ['rm', '--force', '--volumes', '--time', '0', ctr], { allowFail: true });
    }
    await run('podman', ['volume', 'rm', '--force', volume], { allowFail: true });
  },
});
