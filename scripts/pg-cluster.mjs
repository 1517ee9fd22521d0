// A throwaway PostgreSQL cluster for the tests: Debian's server binaries
// (/usr/lib/postgresql/<newest>/bin), a fresh data directory in a temporary folder, trust
// authentication, listening on 127.0.0.1 only, on a free random port, with its Unix socket
// in that folder (never /var/run/postgresql, so Debian's own `main` cluster is neither
// needed nor touched). The vitest collector project and the Playwright run start one each
// (their global setups) and hand its URL to the tests as CLM_TEST_PG_URL.
//
//   import { startPgCluster } from './pg-cluster.mjs';
//   const { url, stop } = await startPgCluster({ log: console.log });
//   // url: postgres://postgres@127.0.0.1:<port>/postgres (a superuser, the maintenance db)
//   await stop(); // pg_ctl stop -m fast, then the folder is removed
//
// `node scripts/pg-cluster.mjs` starts one, prints its URL and stops it on Ctrl+C.
//
// PostgreSQL refuses to run as root: as root, the folder is given to the `postgres` user
// (created by Debian's package) and initdb and pg_ctl run through `runuser -u postgres --`.
//
// A cluster must not outlive the process that started it, however that process ends: a
// normal exit or SIGINT/SIGTERM/SIGHUP stops it at once (synchronously), and a small
// detached watchdog (this file, with `--watchdog`) stops it and removes the folder when the
// owner died without a chance to (SIGKILL, a crash of the runtime).
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HOST = '127.0.0.1';
const DEBIAN_ROOT = '/usr/lib/postgresql';
const INSTALL =
  "install Debian's postgresql package: `node scripts/test-setup.mjs` (it runs " +
  '`apt-get install -y postgresql`), or `apt-get install -y postgresql` as root';
const SIGNALS = /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP']);

/**
 * @typedef {object} PgCluster
 * @property {string} url `postgres://postgres@127.0.0.1:<port>/postgres`: the superuser,
 *   without a password (trust), on the maintenance database.
 * @property {number} port
 * @property {string} dir The temporary folder: `data/` (the cluster), `postgres.log`, the socket.
 * @property {() => Promise<void>} stop `pg_ctl stop -m fast`, then removes `dir`. Safe to
 *   call more than once.
 */

/**
 * @typedef {object} PgClusterOptions
 * @property {(message: string) => void} [log] Progress lines (initdb, start, stop, timings).
 */

/**
 * The `bin` folder of the newest PostgreSQL under /usr/lib/postgresql that has initdb and
 * pg_ctl (Debian's layout; `/usr/bin` only has wrappers of the client tools).
 * @returns {string}
 */
export function pgBinDir() {
  const versions = existsSync(DEBIAN_ROOT)
    ? readdirSync(DEBIAN_ROOT)
        .filter((name) => /^\d+(\.\d+)?$/.test(name))
        .filter((name) =>
          ['initdb', 'pg_ctl'].every((bin) => existsSync(join(DEBIAN_ROOT, name, 'bin', bin))),
        )
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    throw new Error(
      `PostgreSQL's server binaries were not found (${DEBIAN_ROOT}/<version>/bin/initdb and ` +
        `pg_ctl): ${INSTALL}`,
    );
  }
  return join(DEBIAN_ROOT, newest, 'bin');
}

/**
 * How to run a PostgreSQL binary: directly, or as root through `runuser -u postgres --`.
 * @param {boolean} asPostgres
 * @param {string} bin
 * @param {string[]} args
 * @returns {[string, string[]]}
 */
const command = (asPostgres, bin, args) =>
  asPostgres ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];

/**
 * Runs a command to its end; rejects with its output when it fails.
 * @param {[string, string[]]} cmd
 * @param {string} cwd
 * @returns {Promise<string>}
 */
const run = ([file, args], cwd) =>
  new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve(output);
      else
        reject(
          new Error(
            `${[file, ...args].join(' ')} failed (${signal ?? `exit ${code}`}):\n${output.trim()}`,
          ),
        );
    });
  });

/** @returns {Promise<number>} a port nobody listens on at 127.0.0.1 right now */
export const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

/**
 * Whether a TCP connection to the port is accepted.
 * @param {number} port
 * @returns {Promise<boolean>}
 */
const accepts = (port) =>
  new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/**
 * Stops a cluster now, blocking (for exit handlers and the watchdog), and removes its folder.
 * @param {{ bin: string, dir: string, asPostgres: boolean }} cluster
 * @param {'fast' | 'immediate'} [mode] `immediate` when its owner is gone (nothing to wait for)
 */
function stopNow({ bin, dir, asPostgres }, mode = 'fast') {
  const data = join(dir, 'data');
  if (existsSync(join(data, 'postmaster.pid'))) {
    const [file, args] = command(asPostgres, join(bin, 'pg_ctl'), [
      'stop',
      '-D',
      data,
      '-m',
      mode,
      '-s',
      '-w',
      '-t',
      '10',
    ]);
    spawnSync(file, args, { cwd: dir, stdio: 'ignore' });
  }
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Starts a throwaway cluster; see the top of this file.
 * @param {PgClusterOptions} [options]
 * @returns {Promise<PgCluster>}
 */
export async function startPgCluster({ log = () => {} } = {}) {
  const bin = pgBinDir();
  const asPostgres = process.getuid?.() === 0;
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'clm-pg-'));
  const data = join(dir, 'data');
  const cluster = { bin, dir, asPostgres };
  // Armed before initdb: a run killed while the cluster starts leaves nothing either.
  const unwatch = guard(cluster);
  try {
    if (asPostgres) {
      const id = (flag) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
      const uid = id('-u');
      const gid = id('-g');
      if (uid.status !== 0 || gid.status !== 0) {
        throw new Error(
          `running as root, PostgreSQL must run as the \`postgres\` user, which does not exist: ${INSTALL}`,
        );
      }
      chownSync(dir, Number(uid.stdout.trim()), Number(gid.stdout.trim()));
    }
    await run(
      command(asPostgres, join(bin, 'initdb'), [
        '-D',
        data,
        '-U',
        'postgres',
        '--auth=trust',
        '--encoding=UTF8',
        '--locale=C',
        '--no-sync',
        '--no-instructions',
      ]),
      dir,
    );
    // A throwaway cluster: nothing in it must survive a crash of the machine, so durability
    // is traded for speed (fsync, synchronous_commit, full_page_writes off). Never for a
    // cluster whose data matters. The collectors of the tests open pools of their own, and
    // the unit tests run in parallel: more connections than the default 100.
    appendFileSync(
      join(data, 'postgresql.conf'),
      [
        '',
        '# scripts/pg-cluster.mjs: a throwaway test cluster',
        `listen_addresses = '${HOST}'`,
        `unix_socket_directories = '${dir}'`,
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        'max_connections = 300',
        "log_min_messages = 'warning'",
        '',
      ].join('\n'),
    );
    log(`[pg] initdb in ${dir} (${Date.now() - started} ms)`);
    const port = await startServer(cluster, log);
    const url = `postgres://postgres@${HOST}:${port}/postgres`;
    log(`[pg] listening on ${url} (${Date.now() - started} ms since initdb began)`);
    /** @type {Promise<void> | undefined} */
    let stopping;
    return {
      url,
      port,
      dir,
      stop: () => {
        stopping ??= (async () => {
          const begun = Date.now();
          unwatch();
          if (existsSync(join(data, 'postmaster.pid'))) {
            await run(
              command(asPostgres, join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'fast', '-s']),
              dir,
            ).catch((error) => {
              log(`[pg] pg_ctl stop failed, stopping it immediately: ${error.message}`);
              stopNow(cluster, 'immediate');
            });
          }
          rmSync(dir, { recursive: true, force: true });
          log(`[pg] stopped and removed ${dir} (${Date.now() - begun} ms)`);
        })();
        return stopping;
      },
    };
  } catch (error) {
    unwatch();
    stopNow(cluster);
    throw error;
  }
}

/**
 * `pg_ctl start`, waiting until the server accepts connections; on a free random port,
 * tried again on another one if that port was taken in between.
 * @param {{ bin: string, dir: string, asPostgres: boolean }} cluster
 * @param {(message: string) => void} log
 * @returns {Promise<number>} the port
 */
async function startServer({ bin, dir, asPostgres }, log) {
  const data = join(dir, 'data');
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    try {
      // -w: returns once the server accepts connections (or fails after -t seconds).
      await run(
        command(asPostgres, join(bin, 'pg_ctl'), [
          'start',
          '-D',
          data,
          '-l',
          join(dir, 'postgres.log'),
          '-o',
          `-p ${port}`,
          '-w',
          '-t',
          '60',
          '-s',
        ]),
        dir,
      );
      if (!(await accepts(port))) throw new Error(`PostgreSQL started but ${HOST}:${port} refuses`);
      return port;
    } catch (error) {
      const logged = existsSync(join(dir, 'postgres.log'))
        ? spawnSync('tail', ['-n', '20', join(dir, 'postgres.log')], { encoding: 'utf8' }).stdout
        : '';
      if (attempt < 3 && /could not bind|address already in use/i.test(logged)) {
        log(`[pg] port ${port} was taken meanwhile, trying another one`);
        continue;
      }
      throw new Error(`${/** @type {Error} */ (error).message}\n${logged}`);
    }
  }
}

/**
 * Stops the cluster when its owner ends: exit handlers and signals here, a detached
 * watchdog process for the ends no handler sees. Returns the function that disarms both.
 * @param {{ bin: string, dir: string, asPostgres: boolean }} cluster
 * @returns {() => void}
 */
function guard(cluster) {
  const watchdog = spawn(
    process.execPath,
    [
      fileURLToPath(import.meta.url),
      '--watchdog',
      String(process.pid),
      cluster.dir,
      cluster.bin,
      cluster.asPostgres ? 'postgres' : 'self',
    ],
    { detached: true, stdio: 'ignore' },
  );
  watchdog.unref();
  const onExit = () => stopNow(cluster);
  /** @param {NodeJS.Signals} signal */
  const onSignal = (signal) => {
    disarm();
    stopNow(cluster);
    // Nobody else handles it: the default action (end the process), as without us.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const disarm = () => {
    process.off('exit', onExit);
    for (const signal of SIGNALS) process.off(signal, onSignal);
    if (watchdog.exitCode === null && watchdog.signalCode === null) watchdog.kill('SIGTERM');
  };
  process.on('exit', onExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return disarm;
}

/**
 * The watchdog: polls the owner every 500 ms; once it is gone, stops the cluster and
 * removes its folder. Ends by itself when the folder is gone (stopped normally).
 * @param {string[]} args owner pid, folder, bin folder, `postgres` or `self`
 */
function watchdog([owner, dir, bin, user]) {
  if (!owner || !dir || !bin) process.exit(2);
  // The owner's Ctrl+C reaches its whole process group; this process has its own, but a
  // SIGHUP from a closing terminal must not end the watch either.
  process.on('SIGHUP', () => {});
  const alive = () => {
    try {
      process.kill(Number(owner), 0);
      return true;
    } catch (error) {
      return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
    }
  };
  const timer = setInterval(() => {
    if (!existsSync(dir)) {
      clearInterval(timer);
      return;
    }
    if (alive()) return;
    clearInterval(timer);
    const cluster = { bin, dir, asPostgres: user === 'postgres' };
    stopNow(cluster, 'immediate');
    // The owner may have died while initdb or pg_ctl start ran: once more when they are done.
    setTimeout(() => stopNow(cluster, 'immediate'), 2000);
  }, 500);
  process.on('SIGTERM', () => {
    clearInterval(timer);
    process.exit(0);
  });
}

const main = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (main && process.argv[2] === '--watchdog') {
  watchdog(process.argv.slice(3));
} else if (main) {
  try {
    const cluster = await startPgCluster({ log: (message) => console.error(message) });
    console.log(cluster.url);
    console.error('[pg] Ctrl+C stops it and removes its data');
    const stop = async () => {
      await cluster.stop();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // Nothing else keeps the process alive: wait for the signal.
    setInterval(() => {}, 1 << 30);
  } catch (error) {
    console.error(`[pg] ${/** @type {Error} */ (error).message}`);
    process.exit(1);
  }
}
