// `pnpm container:smoke:compose`: packages/collector/compose.postgres.yml's pair (two
// collectors on one PostgreSQL) started with Debian's podman-compose as the file stands (plus
// the override below), on the images `pnpm container:smoke` builds and a stand-in for the
// file's postgres image (scripts/container/). Both collectors must answer /readyz on their
// loopback ports and share the database; then everything it started, volumes included, is
// removed, even on failure. Root only, like podman here.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCollectorImage, collectorBaseImage } from './container/image-build.mjs';
import { ensurePostgresImage } from './container/postgres-image.mjs';
import { check, run, runCheck, sayer, timed, waitForOk } from './container/process.mjs';
import { aptInstall, onPath } from './debian-packages.mjs';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));
const say = sayer('compose-smoke');
const COMPOSE = 'packages/collector/compose.postgres.yml';
const PORTS = [8081, 8082];
const project = `clm-compose-${process.pid}`;
const env = {
  ...process.env,
  CLM_PG_PASSWORD: randomBytes(16).toString('hex'),
  CLM_ADMIN_TOKEN: randomBytes(24).toString('hex'),
  // Nothing listens there: a relay is refused at once, and nothing leaves the machine.
  ONRAMP_BASE_URL: 'http://127.0.0.1:9',
  CLM_PARTNER_KEYS: 'PK-SMOKE',
};
// Debian 12's podman-compose (1.0.3) leaves `${VAR:-}` (an empty default) as it is, and the
// collector then refuses "${CLM_ALLOWED_ORIGINS:-}" as an origin; this file gives the two
// such variables the value that default means. Docker Compose does not need it.
const EMPTY_DEFAULTS = `services:
  collector-1:
    environment: { CLM_ALLOWED_ORIGINS: "", CLM_TRUST_PROXY: "" }
  collector-2:
    environment: { CLM_ALLOWED_ORIGINS: "", CLM_TRUST_PROXY: "" }
`;
const work = mkdtempSync(join(tmpdir(), 'clm-compose-smoke-'));
const override = join(work, 'empty-defaults.yml');
writeFileSync(override, EMPTY_DEFAULTS);
// Its output is kept, not printed: podman-compose echoes each `podman run` with the
// environment, the database password and admin token included.
const compose = (...args) =>
  run('podman-compose', ['-p', project, '-f', COMPOSE, '-f', override, ...args], { env });

function portFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function containers() {
  const filter = `label=io.podman.compose.project=${project}`;
  const { stdout } = await run('podman', [
    'ps',
    '-a',
    '--filter',
    filter,
    '--format',
    '{{.Names}}',
  ]);
  return stdout.split('\n').filter(Boolean);
}

const relaysSeenBy = async (ctr) => {
  const { stdout } = await run('podman', ['exec', ctr, 'clm-collector', 'status', '--json']);
  return JSON.parse(stdout).relays.total;
};

/** Both ready on their ports; a purchase taken by the first is seen by the second. */
async function bothServing() {
  for (const port of PORTS) await waitForOk(`http://127.0.0.1:${port}/readyz`, 120_000);
  const beacon = { v: 1, type: 'purchase', id: 'evt_compose_smoke_1', key: 'PK-SMOKE' };
  const res = await fetch(`http://127.0.0.1:${PORTS[0]}/beacon`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', origin: 'https://www.provider.example' },
    body: JSON.stringify({
      ...beacon,
      service: 'smoke-crm',
      customerId: 'c-1',
      ref: null,
      time: Date.now(),
    }),
  });
  check(res.ok, `POST /beacon to collector-1 answered ${res.status}: ${await res.text()}`);
  const second = (await containers()).find((name) => name.includes('collector-2'));
  check(second, 'no collector-2 container');
  const seen = await relaysSeenBy(second);
  check(seen === 1, `collector-2 sees ${seen} relays in the shared database, not 1`);
  say('both ready; the purchase collector-1 took is in the database collector-2 reads');
}

async function main() {
  if (!onPath('podman-compose')) {
    aptInstall(['podman-compose'], { say, notDebian: 'install podman-compose yourself' });
  }
  await buildCollectorImage(say);
  const postgres = /image:\s*(postgres:\S+)/.exec(readFileSync(COMPOSE, 'utf8'))?.[1];
  check(postgres, `${COMPOSE} names no postgres image`);
  await timed(`base image ${postgres}`, () =>
    ensurePostgresImage(postgres, collectorBaseImage(), say),
  );
  for (const port of PORTS) {
    check(await portFree(port), `127.0.0.1:${port} is taken: the compose file publishes it`);
  }
  await timed('podman-compose up, until both collectors are ready', async () => {
    await compose('up', '-d');
    await bothServing();
  });
}

await runCheck('compose-smoke', main, {
  ok: 'both collectors of compose.postgres.yml served /readyz on one PostgreSQL',
  async onFailure() {
    for (const ctr of await containers()) {
      const logs = await run('podman', ['logs', '--tail', '20', ctr], { allowFail: true });
      console.error(`--- ${ctr} ---\n${logs.stdout}${logs.stderr}`);
    }
  },
  // podman-compose 1.0.3's `down` leaves the collectors' anonymous /data volumes and the
  // project's network: the containers go first with their volumes, the network last.
  async cleanup() {
    await timed('podman-compose down', async () => {
      for (const ctr of (await containers()).sort().reverse()) {
        await run('podman', ['rm', '--force', '--volumes', '--time', '10', ctr], {
          allowFail: true,
        });
      }
      await compose('down', '--volumes').catch(() => {});
      await run('podman', ['network', 'rm', `${project}_default`], { allowFail: true });
    });
    rmSync(work, { recursive: true, force: true });
  },
});
