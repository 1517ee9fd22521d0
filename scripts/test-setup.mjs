// The first step of `pnpm test`: the Debian packages the tests need, installed when missing
// (as .ci/run does), so that a machine with only Node.js can run the README's test command.
// Chromium drives the e2e tests and the pixel's benchmark; faketime's libfaketime runs a
// collector at a chosen wall-clock instant (e2e/tests/usage-*.spec.ts); PostgreSQL's server
// binaries run the throwaway clusters of the PostgreSQL store's tests (scripts/pg-cluster.mjs:
// their own data folder, port and socket, never Debian's `main` cluster, which is not
// created); wrk is the benchmark's HTTP load generator.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { aptInstall, list, onPath } from './debian-packages.mjs';

const say = (message) => console.log(`[setup] ${message}`);

function chromiumFound() {
  return existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium');
}

// Where e2e/support/collector.ts looks for libfaketime.
function faketimeFound() {
  if (process.env.FAKETIME_LIB) return existsSync(process.env.FAKETIME_LIB);
  const dirs = ['/usr/lib/faketime', '/usr/local/lib/faketime'];
  for (const lib of ['/usr/lib', '/usr/lib64']) {
    if (!existsSync(lib)) continue;
    for (const entry of readdirSync(lib)) dirs.push(join(lib, entry, 'faketime'));
  }
  return dirs.some((dir) =>
    ['libfaketimeMT.so.1', 'libfaketime.so.1'].some((f) => existsSync(join(dir, f))),
  );
}

// Where scripts/pg-cluster.mjs looks for initdb and pg_ctl (Debian's layout).
function postgresFound() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return false;
  return readdirSync(root).some((version) =>
    ['initdb', 'pg_ctl'].every((bin) => existsSync(join(root, version, 'bin', bin))),
  );
}

const found = {
  chromium: chromiumFound,
  faketime: faketimeFound,
  postgresql: postgresFound,
  wrk: () => onPath('wrk'),
};
const missing = Object.keys(found).filter((name) => !found[name]());
if (missing.length === 0) {
  say('Chromium, faketime, PostgreSQL and wrk are installed');
  process.exit(0);
}

// The tests need the binaries only. Installed, Debian's package would create a `main`
// cluster and start it as a service on port 5432; this setting (postgresql-common's, read
// when the package is installed) leaves it out. `pg_createcluster` still makes one later.
const NO_MAIN_CLUSTER = '/etc/postgresql-common/createcluster.d/clm-no-main-cluster.conf';
const withPostgres = missing.includes('postgresql');
try {
  aptInstall(missing, {
    say,
    notDebian:
      'install them with your package manager (or set CHROMIUM_PATH and FAKETIME_LIB; the ' +
      'PostgreSQL tests look for /usr/lib/postgresql/<version>/bin, or use the server ' +
      'CLM_TEST_PG_URL names)',
    before: withPostgres
      ? [
          'sh',
          '-c',
          `mkdir -p ${dirname(NO_MAIN_CLUSTER)} && echo 'create_main_cluster = false' > ${NO_MAIN_CLUSTER}`,
        ]
      : undefined,
    note: withPostgres ? ` (without a main cluster: ${NO_MAIN_CLUSTER})` : '',
  });
} catch (error) {
  console.error(`[setup] the tests: ${error.message}, then run the tests again`);
  process.exit(1);
}
const still = missing.filter((name) => !found[name]());
if (still.length > 0) {
  console.error(`[setup] installed, but ${list(still)} is still not where the tests look`);
  process.exit(1);
}
say(`installed ${list(missing)}`);
