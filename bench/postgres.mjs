// `pnpm --filter @clm/bench bench:postgres` (full: a few minutes, writes
// docs/benchmarks-postgres.md) and `… bench:postgres --smoke` (seconds, tiny counts, prints
// only). The collector on PostgreSQL beside the collector on SQLite, in one run on one
// machine, with a bare Express 5 baseline:
//
// - Ingest: `POST /beacon` loaded by wrk (a process of its own) with unique purchase
//   beacons, the onramp stalled so relaying does not compete; then every acknowledged
//   beacon is looked up in the store by its id.
// - Relay drain: a backlog of pending SaasTracking relays, queued through the collector's
//   own store API, drained into a local onramp that answers 201; every relay must reach it
//   exactly once and be marked delivered.
//
// PostgreSQL is the throwaway cluster of scripts/pg-cluster.mjs (fsync, synchronous_commit
// and full_page_writes off), twice side by side: one as it comes, one switched to durable
// settings (ALTER SYSTEM: all three on), since SQLite runs with synchronous=FULL. The shared
// host is noisy: the full run repeats each measurement in rounds, interleaved, and keeps
// medians. Everything listens on 127.0.0.1; everything started here is stopped when the run
// ends, however it ends.
//
// Its own onramps, process handling, baseline server and report; the wrk script
// (lib/beacons.lua) and the /proc readers (lib/machine.mjs) are bench/lib's.
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { freePort, startPgCluster } from '../scripts/pg-cluster.mjs';
import {
  busyTicks,
  describeMachine,
  processTicks,
  statusKb,
  TICKS,
  waitForQuiet as waitForQuietMachine,
} from './lib/machine.mjs';

const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false } } });
const smoke = values.smoke;

/**
 * @typedef {object} Plan
 * @property {number} limitMs The whole run's time limit.
 * @property {number} connections wrk connections.
 * @property {number} warmup Seconds of warm-up load before each measured run (not measured).
 * @property {number} duration Seconds of each measured run (max rate, then half of it).
 * @property {number} backlog Pending relays seeded for the drain.
 * @property {number} drainLimitMs How long a drain may take.
 * @property {number} idleMs How long the collector idles after a drain before its RSS is read.
 * @property {number} quietLimitMs How long to wait for a quiet machine before each run.
 * @property {number} ingestRounds Max-rate runs per target, interleaved (the median is kept).
 * @property {number} drainRounds Drains per store, interleaved (the median is kept).
 */

/** @type {Plan} */
const plan = smoke
  ? {
      limitMs: 4 * 60_000,
      connections: 8,
      warmup: 1,
      duration: 2,
      backlog: 300,
      drainLimitMs: 60_000,
      idleMs: 1000,
      quietLimitMs: 5000,
      ingestRounds: 1,
      drainRounds: 1,
    }
  : {
      limitMs: 45 * 60_000,
      connections: 50,
      warmup: 3,
      duration: 10,
      backlog: 10_000,
      drainLimitMs: 180_000,
      idleMs: 5000,
      quietLimitMs: 30_000,
      ingestRounds: 3,
      drainRounds: 3,
    };

const HOST = '127.0.0.1';
const PARTNER_KEY = 'PK-bench';
const SERVICE = 'bench-service';
const SHOP_ORIGIN = 'http://shop.bench.test';
const ADMIN_TOKEN = `bench-admin-${process.pid}-${Date.now()}`;
/** The relay worker's concurrency for the drain (the collector's maximum; bench/relay.mjs too). */
const RELAY_CONCURRENCY = 64;
/** The collector's default PostgreSQL pool, stated in the report. */
const POOL_SIZE = 10;
/** wrk threads: one, as in bench/lib, so the load takes one core at most of the two. */
const WRK_THREADS = 1;
/** A run is set aside (and done again) when other work took this many cores meanwhile. */
const MAX_FOREIGN_CORES = 0.3;
/** Attempts at a disturbed run or drain; the least disturbed one is kept. */
const MAX_ATTEMPTS = 2;

const require = createRequire(import.meta.url);
const collectorDir = dirname(require.resolve('@clm/collector/package.json'));
const builtCli = join(collectorDir, 'dist/cli.js');
const benchDir = fileURLToPath(new URL('.', import.meta.url));
const workDir = mkdtempSync(join(tmpdir(), 'clm-bench-pg-'));
/**
 * The collector every target runs: a copy of packages/collector/dist taken when the run
 * starts (others may rebuild dist meanwhile), beside the package's package.json and a link
 * to its node_modules, so that it resolves its dependencies as the original does.
 */
const collectorCli = join(workDir, 'collector', 'dist', 'cli.js');

/**
 * The collector's store API, from the copy (loaded once it is made): the backlog is seeded,
 * and the drain checked, by the same build that runs.
 * @type {Pick<import('@clm/collector'), 'openStore' | 'silentLogger'>}
 */
let collectorApi;

/** Copies the built collector into the work folder; what was copied, for the report. */
function snapshotCollector() {
  const copy = join(workDir, 'collector');
  mkdirSync(copy);
  const built = statSync(builtCli).mtime;
  cpSync(join(collectorDir, 'dist'), join(copy, 'dist'), { recursive: true });
  copyFileSync(join(collectorDir, 'package.json'), join(copy, 'package.json'));
  symlinkSync(join(collectorDir, 'node_modules'), join(copy, 'node_modules'), 'dir');
  if (statSync(builtCli).mtime.getTime() !== built.getTime() || !existsSync(collectorCli))
    throw new Error('packages/collector/dist changed while it was copied: run again');
  const git = (/** @type {string[]} */ args) =>
    spawnSync('git', args, { cwd: collectorDir, encoding: 'utf8' }).stdout?.trim() ?? '';
  const changed = git(['status', '--porcelain', '--', 'src']).split('\n').filter(Boolean).length;
  return (
    `built ${built.toISOString()}, from commit ${git(['rev-parse', '--short', 'HEAD']) || 'unknown'}` +
    (changed > 0 ? ` with ${changed} files under src/ changed or added, not committed` : '') +
    '; copied when the run began, so every target runs the same build'
  );
}

// ---------------------------------------------------------------------------------------
// Cleanup: every process and server started here registers its stop; an error, a signal or
// the time limit runs them all. Child processes are also killed synchronously on exit.

/** @type {Set<() => Promise<void>>} */
const cleanups = new Set();
/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();

/**
 * Registers `stop`, run once when the bench ends; returns the function that unregisters it.
 * @param {() => Promise<void>} stop
 */
const onCleanup = (stop) => {
  cleanups.add(stop);
  return () => cleanups.delete(stop);
};

async function cleanupAll() {
  const pending = [...cleanups].reverse();
  cleanups.clear();
  for (const stop of pending) await stop().catch(() => undefined);
  rmSync(workDir, { recursive: true, force: true });
}

process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(workDir, { recursive: true, force: true });
});
// `on`, not `once`: scripts/pg-cluster.mjs's own handler ends the process at once (the
// signal's default action) when it finds no other listener left, which would cut this
// cleanup short. A second signal while stopping changes nothing.
let stopping = false;
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.error(`[pg-bench] ${signal}: stopping everything`);
    await cleanupAll();
    process.exit(130);
  });
}

/**
 * Spawns a child, remembered for the exit handler.
 * @param {string} file
 * @param {string[]} args
 * @param {import('node:child_process').SpawnOptions} [options]
 */
function spawnChild(file, args, options = {}) {
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

// ---------------------------------------------------------------------------------------
// CPU and memory of the processes measured

/**
 * CPU ticks of a PostgreSQL server: the postmaster with the backends it reaped, plus its
 * live children (backends, checkpointer, WAL writer, ...).
 * @param {number} postmaster
 */
function postgresTicks(postmaster) {
  let ticks = processTicks(postmaster, true);
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const fields = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1].split(' ');
      if (Number(fields[1]) === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {}
  }
  return ticks;
}

/**
 * Starts watching the CPU; the function returned says how many cores the server, PostgreSQL
 * and everything else on the machine (other jobs: not this bench, its load generator, the
 * server or PostgreSQL) used on average meanwhile.
 * @param {{ serverPid?: number, postmaster?: number }} who
 */
function watchCpu({ serverPid, postmaster }) {
  const started = performance.now();
  const machine = busyTicks();
  const server = serverPid ? processTicks(serverPid) : 0;
  const database = postmaster ? postgresTicks(postmaster) : 0;
  const bench = processTicks(process.pid, true);
  return () => {
    const seconds = (performance.now() - started) / 1000;
    const cores = (/** @type {number} */ ticks) => ticks / TICKS / seconds;
    const serverTicks = serverPid ? processTicks(serverPid) - server : 0;
    const databaseTicks = postmaster ? postgresTicks(postmaster) - database : 0;
    const benchTicks = processTicks(process.pid, true) - bench;
    const busy = busyTicks() - machine;
    return {
      serverCores: cores(serverTicks),
      postgresCores: cores(databaseTicks),
      foreignCores: Math.max(0, cores(busy - serverTicks - databaseTicks - benchTicks)),
    };
  };
}

/**
 * Waits (up to the plan's limit) until less than 15 % of the machine's CPU is busy over a
 * second: other jobs on a shared host must not land in one target's run and not another's.
 */
const waitForQuiet = () => waitForQuietMachine({ threshold: 0.15, limitMs: plan.quietLimitMs });

/** @param {number} value @param {number} [digits] */
const fmt = (value, digits = 0) =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      })
    : 'n/a';
/** @param {number} ratio */
const pct = (ratio) => `${fmt(100 * ratio)} %`;
/** @param {number} ms */
const ms = (ms) => `${fmt(ms, 2)} ms`;
/** @param {number} kb */
const mb = (kb) => `${fmt(kb / 1024)} MB`;

// ---------------------------------------------------------------------------------------
// Servers of this process: an onramp that never answers (ingest) and one that answers 201
// at once and counts what it got (relay drain).

/**
 * Listens on 127.0.0.1 and a random port.
 * @param {import('node:http').Server} server
 */
async function listenLoopback(server) {
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve(undefined));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(() => resolve(undefined)));
  };
  const unregister = onCleanup(close);
  return {
    url: `http://${HOST}:${port}`,
    close: async () => {
      unregister();
      await close();
    },
  };
}

/** An onramp that reads each call and never answers: the relay worker stays waiting. */
const startStalledOnramp = () =>
  listenLoopback(
    createServer((req) => {
      req.resume();
    }),
  );

/**
 * An onramp answering every `POST /api/SaasTrackings` with 201 at once; counts calls per
 * customerId and the times of the first and last call.
 */
async function startFastOnramp() {
  /** @type {Map<string, number>} */
  const perCustomer = new Map();
  const counts = { calls: 0, other: 0, first: Number.NaN, last: Number.NaN };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/api/SaasTrackings') {
        counts.other += 1;
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        return;
      }
      const now = performance.now();
      if (Number.isNaN(counts.first)) counts.first = now;
      counts.last = now;
      counts.calls += 1;
      let customerId = '(unreadable body)';
      try {
        customerId = String(JSON.parse(Buffer.concat(chunks).toString('utf8')).customerId);
      } catch {}
      perCustomer.set(customerId, (perCustomer.get(customerId) ?? 0) + 1);
      res
        .writeHead(201, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: counts.calls }));
    });
  });
  const { url, close } = await listenLoopback(server);
  return { url, close, counts, perCustomer };
}

// ---------------------------------------------------------------------------------------
// Processes: the built collector, and the bare Express baseline.

/**
 * @typedef {object} Server
 * @property {string} url
 * @property {number} pid
 * @property {() => string} output The tail of its stdout and stderr.
 * @property {() => Promise<void>} stop SIGTERM (SIGKILL after 15 s); resolves once it exited.
 */

/**
 * Spawns `node <args>` and resolves once `ready(output)` returns its URL and that URL
 * answers `probe` (when given) with 200.
 * @param {string} name
 * @param {string[]} args
 * @param {Record<string, string>} env
 * @param {{ url?: string, probe?: string, cwd?: string }} where A fixed URL (the port was
 *   given), else the `listening on <url>` line is awaited; the folder to run in.
 * @returns {Promise<Server>}
 */
async function startProcess(name, args, env, { url: fixedUrl, probe, cwd }) {
  const child = spawnChild(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '', ...env },
    ...(cwd && { cwd }),
  });
  let tail = '';
  const keep = (/** @type {Buffer} */ chunk) => {
    tail = (tail + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  const unregister = onCleanup(stop);
  const deadline = Date.now() + 20_000;
  try {
    let url = fixedUrl;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}):\n${tail}`);
      if (Date.now() > deadline) throw new Error(`${name} did not start in 20 s:\n${tail}`);
      url ??= /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(tail)?.[1];
      if (url !== undefined) {
        if (!probe) break;
        const ok = await fetch(`${url}${probe}`)
          .then((response) => response.ok)
          .catch(() => false);
        if (ok) break;
      }
      await sleep(50);
    }
    const pid = /** @type {number} */ (child.pid);
    return {
      url,
      pid,
      output: () => tail,
      stop: async () => {
        await stop();
        unregister();
      },
    };
  } catch (error) {
    await stop();
    unregister();
    throw error;
  }
}

/**
 * `node packages/collector/dist/cli.js serve` on `db` (a SQLite path or a postgres:// URL),
 * on 127.0.0.1 and a free port, logging warnings only.
 * @param {string} db
 * @param {string} onrampUrl
 * @param {Record<string, string>} [env]
 */
async function startCollector(db, onrampUrl, env = {}) {
  const port = await freePort();
  return startProcess(
    'collector',
    [collectorCli, 'serve'],
    {
      HOST,
      PORT: String(port),
      ONRAMP_BASE_URL: onrampUrl,
      CLM_PARTNER_KEYS: PARTNER_KEY,
      CLM_ALLOWED_ORIGINS: SHOP_ORIGIN,
      CLM_DB: db,
      CLM_DB_POOL_SIZE: String(POOL_SIZE),
      CLM_ADMIN_TOKEN: ADMIN_TOKEN,
      // The rate limiter's ceiling, far above any run here: it must not be what is measured.
      CLM_RATE_LIMIT_PER_MINUTE: '1000000',
      CLM_LOG_LEVEL: 'warn',
      ...env,
    },
    { url: `http://${HOST}:${port}`, probe: '/healthz' },
  );
}

/**
 * The baseline: Express 5 answering 204 to `POST /beacon` without reading the body, as
 * bench/lib/bare-server.mjs does, but without its 10-minute self-stop (a slow run on a busy
 * host outlasts it). Run from bench/, where `express` resolves.
 */
const BARE_SERVER = `
import express from 'express';
const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.post('/beacon', (_req, res) => {
  res.status(204).end();
});
const server = app.listen(0, '${HOST}', () => {
  console.log('[bare] listening on http://${HOST}:' + server.address().port);
});
const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
`;
const startBare = () =>
  startProcess('bare express', ['--input-type=module', '-e', BARE_SERVER], {}, { cwd: benchDir });

// ---------------------------------------------------------------------------------------
// Load: wrk with bench/lib's script. Every request is a purchase beacon with a unique id
// (`<tag>_<thread>_<counter>`) and customer, the id also sent as X-Request-Id, which the
// collector echoes: the ids of the 2xx answers are listed.

const wrkScript = fileURLToPath(new URL('./lib/beacons.lua', import.meta.url));
let wrkRuns = 0;

/**
 * @typedef {object} LoadResult
 * @property {number} rps Completed requests per second.
 * @property {number} requests
 * @property {number} p50 ms
 * @property {number} p99 ms
 * @property {number} max ms
 * @property {number} ok 2xx answers (wrk's count per status).
 * @property {number} non2xx
 * @property {number} socketErrors connect, read and write errors, and timeouts.
 * @property {string[]} acked The ids of the 2xx answers.
 * @property {number} serverCores
 * @property {number} postgresCores
 * @property {number} foreignCores
 */

/**
 * One wrk run against `${url}/beacon`.
 * @param {string} url
 * @param {{ tag: string, seconds: number, rate?: number, pids: { serverPid?: number, postmaster?: number } }} options
 * @returns {Promise<LoadResult>}
 */
async function wrk(url, { tag, seconds, rate = 0, pids }) {
  const out = join(workDir, `wrk-${++wrkRuns}.json`);
  const cpu = watchCpu(pids);
  const args = [
    `-t${WRK_THREADS}`,
    `-c${plan.connections}`,
    `-d${seconds}s`,
    '--timeout',
    '10s',
    '-s',
    wrkScript,
    url,
    '--',
    tag,
    'purchase',
    PARTNER_KEY,
    SERVICE,
    SHOP_ORIGIN,
    out,
    // The script paces each thread: the rate is divided among them.
    String(rate / WRK_THREADS),
  ];
  const child = spawnChild('wrk', args);
  let output = '';
  const keep = (/** @type {Buffer} */ chunk) => {
    output = (output + chunk.toString()).slice(-10_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const unregister = onCleanup(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const code = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  unregister();
  const { serverCores, postgresCores, foreignCores } = cpu();
  if (code !== 0) throw new Error(`wrk exited with ${code}:\n${output}`);
  const figures = JSON.parse(readFileSync(out, 'utf8'));
  const acked = readFileSync(`${out}.ids`, 'utf8').split('\n').filter(Boolean);
  const statuses = Object.entries(figures.statuses).map(([status, n]) => [Number(status), n]);
  const ok = statuses.filter(([s]) => s >= 200 && s < 300).reduce((sum, [, n]) => sum + n, 0);
  const { connect, read, write, timeout } = figures.errors;
  return {
    rps: figures.requests / (figures.durationUs / 1e6),
    requests: figures.requests,
    p50: figures.p50Us / 1000,
    p99: figures.p99Us / 1000,
    max: figures.maxUs / 1000,
    ok,
    non2xx: figures.requests - ok,
    socketErrors: connect + read + write + timeout,
    acked,
    serverCores,
    postgresCores,
    foreignCores,
  };
}

/**
 * A measured run on a quiet machine, done again (up to MAX_ATTEMPTS times, keeping the least disturbed)
 * when other work took more than {@link MAX_FOREIGN_CORES} meanwhile. Returns the kept run
 * and every attempt (all their acknowledged beacons are checked).
 * @param {string} url
 * @param {Parameters<typeof wrk>[1]} options
 */
async function measured(url, options) {
  /** @type {LoadResult[]} */
  const attempts = [];
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    await waitForQuiet();
    const tag = attempt === 1 ? options.tag : `${options.tag}x${attempt}`;
    attempts.push(await wrk(url, { ...options, tag }));
    if (/** @type {LoadResult} */ (attempts.at(-1)).foreignCores <= MAX_FOREIGN_CORES) break;
  }
  const kept = attempts.reduce((best, run) => (run.foreignCores < best.foreignCores ? run : best));
  return { kept, attempts };
}

/** @param {number[]} values */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const high = sorted[middle] ?? Number.NaN;
  const low = sorted[middle - 1] ?? Number.NaN;
  return sorted.length % 2 === 1 ? high : (low + high) / 2;
}

/**
 * `items` rotated left by `by`: each round starts with another target, so a drift of the
 * machine over a round does not always land on the same one.
 * @template T
 * @param {T[]} items
 * @param {number} by
 */
const rotate = (items, by) => [
  ...items.slice(by % items.length),
  ...items.slice(0, by % items.length),
];

// ---------------------------------------------------------------------------------------
// Targets and their stores: a fresh SQLite file or PostgreSQL database for each use.

/**
 * @typedef {object} Target
 * @property {'sqlite' | 'pg' | 'pg-durable'} id
 * @property {string} label
 * @property {'fast' | 'durable' | null} cluster Which PostgreSQL cluster, if any.
 */

/** @type {Target[]} */
const TARGETS = [
  { id: 'sqlite', label: 'SQLite (WAL, synchronous=FULL)', cluster: null },
  { id: 'pg', label: 'PostgreSQL, fsync off (pg-cluster.mjs as is)', cluster: 'fast' },
  { id: 'pg-durable', label: 'PostgreSQL, fsync on (durable settings)', cluster: 'durable' },
];

/**
 * A throwaway cluster from scripts/pg-cluster.mjs with its superuser client on the
 * maintenance database: new databases, settings, reads.
 * @param {string} name
 */
async function startPostgres(name) {
  const cluster = await startPgCluster({ log: (message) => console.log(`${message} (${name})`) });
  onCleanup(() => cluster.stop());
  const admin = new pg.Client({ connectionString: cluster.url });
  // The cluster may go first when the run is stopped (its own signal handler stops it):
  // a connection ended by the server must not end this process before its cleanup.
  admin.on('error', (error) => console.error(`[pg-bench] admin connection: ${error.message}`));
  await admin.connect();
  onCleanup(() => admin.end());
  const postmaster = Number(
    readFileSync(join(cluster.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0],
  );
  const version = String((await admin.query('SHOW server_version')).rows[0]?.server_version);
  let databases = 0;
  /**
   * A client on one database, for one piece of work.
   * @template T
   * @param {string} url
   * @param {(client: pg.Client) => Promise<T>} work
   */
  const withClient = async (url, work) => {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => {});
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  /** What the server runs with, asked on a new connection (a reload applies to new ones). */
  const settings = () =>
    withClient(cluster.url, async (client) => {
      const { rows } = await client.query(
        `SELECT name, setting FROM pg_settings
         WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method',
                        'shared_buffers', 'max_connections')`,
      );
      return /** @type {Record<string, string>} */ (
        Object.fromEntries(rows.map((row) => [row.name, row.setting]))
      );
    });
  return {
    postmaster,
    version,
    settings,
    /** A new, empty database; its URL. */
    async createDatabase(/** @type {string} */ prefix) {
      const database = `${prefix}_${++databases}`;
      await admin.query(`CREATE DATABASE ${database}`);
      const url = new URL(cluster.url);
      url.pathname = `/${database}`;
      return url.toString();
    },
    /**
     * Makes the cluster durable: fsync, synchronous_commit and full_page_writes on
     * (ALTER SYSTEM, then a reload), and waits until a new connection sees them.
     */
    async makeDurable() {
      await admin.query('ALTER SYSTEM SET fsync = on');
      await admin.query('ALTER SYSTEM SET synchronous_commit = on');
      await admin.query('ALTER SYSTEM SET full_page_writes = on');
      await admin.query('SELECT pg_reload_conf()');
      const deadline = Date.now() + 10_000;
      for (;;) {
        const now = await settings();
        if (['fsync', 'synchronous_commit', 'full_page_writes'].every((k) => now[k] === 'on')) {
          // What was written without fsync so far goes to disk now, not in a measured run.
          await admin.query('CHECKPOINT');
          return now;
        }
        if (Date.now() > deadline)
          throw new Error(`PostgreSQL settings not durable: ${JSON.stringify(now)}`);
        await sleep(100);
      }
    },
    async checkpoint() {
      await admin.query('CHECKPOINT');
    },
    /**
     * The purchase event ids and the relay counts per status of a database.
     * @param {string} url
     */
    read: (url) =>
      withClient(url, async (client) => {
        const events = await client.query("SELECT id FROM events WHERE type = 'purchase'");
        const relays = await client.query(
          'SELECT status, COUNT(*)::int AS n FROM relays GROUP BY status',
        );
        return {
          ids: new Set(events.rows.map((row) => String(row.id))),
          relays: Object.fromEntries(relays.rows.map((row) => [row.status, Number(row.n)])),
        };
      }),
  };
}

/** @typedef {Awaited<ReturnType<typeof startPostgres>>} Postgres */
/** @typedef {{ fast: Postgres, durable: Postgres }} Clusters */

/**
 * Purchase event ids and relay counts of a SQLite file (its collector stopped).
 * @param {string} path
 */
function readSqlite(path) {
  const db = new Database(path, { readonly: true });
  try {
    const ids = new Set(
      db.prepare("SELECT id FROM events WHERE type = 'purchase'").pluck().all().map(String),
    );
    const relays = Object.fromEntries(
      db
        .prepare('SELECT status, COUNT(*) AS n FROM relays GROUP BY status')
        .raw()
        .all()
        .map(([status, n]) => [String(status), Number(n)]),
    );
    return { ids, relays };
  } finally {
    db.close();
  }
}

/**
 * A fresh store for a target: its `CLM_DB`, how to read it back, and the postmaster whose
 * CPU is the database's.
 * @param {Target} target
 * @param {Clusters} clusters
 * @param {string} use
 */
async function freshStore(target, clusters, use) {
  if (target.cluster === null) {
    const db = join(mkdtempSync(join(workDir, `${use}-`)), 'collector.sqlite');
    return { db, read: async () => readSqlite(db), postgres: undefined };
  }
  const postgres = clusters[target.cluster];
  const db = await postgres.createDatabase(`${use}_${target.id.replace('-', '_')}`);
  return { db, read: () => postgres.read(db), postgres };
}

// ---------------------------------------------------------------------------------------
// Ingest: bare Express and the three collectors run side by side (on a stalled onramp), and
// are loaded one at a time: a warm-up each, then rounds of max-rate runs with the order
// rotated each round, then a run each at half its median max rate.

/**
 * @typedef {object} IngestResult
 * @property {LoadResult[]} rounds The kept max-rate run of each round.
 * @property {ReturnType<typeof summarize>} max Medians over the rounds.
 * @property {LoadResult} half
 * @property {number} halfRate
 * @property {number} retried Runs set aside as disturbed.
 * @property {number} peakRssKb
 * @property {ReturnType<typeof checkIngest> | undefined} check
 */

/**
 * Medians of the kept max-rate runs.
 * @param {LoadResult[]} runs
 */
function summarize(runs) {
  const of = (/** @type {(run: LoadResult) => number} */ pick) => median(runs.map(pick));
  const rates = runs.map((run) => run.rps);
  return {
    rps: of((run) => run.rps),
    rpsMin: Math.min(...rates),
    rpsMax: Math.max(...rates),
    p50: of((run) => run.p50),
    p99: of((run) => run.p99),
    serverCores: of((run) => run.serverCores),
    postgresCores: of((run) => run.postgresCores),
    foreignCores: Math.max(...runs.map((run) => run.foreignCores)),
  };
}

/**
 * Every acknowledged beacon of a target's runs must be in its store, with its relay.
 * @param {LoadResult[]} runs Every run against the target, warm-up and set-aside ones too.
 * @param {{ ids: Set<string>, relays: Record<string, number> }} stored
 */
function checkIngest(runs, stored) {
  const acked = runs.flatMap((run) => run.acked);
  const ok = runs.reduce((sum, run) => sum + run.ok, 0);
  const unknown = acked.filter((id) => id === '?').length;
  const missing = acked.filter((id) => !stored.ids.has(id));
  const relays = Object.values(stored.relays).reduce((sum, n) => sum + n, 0);
  const found = acked.length - missing.length;
  const problems = [];
  if (unknown > 0) problems.push(`${unknown} 2xx answers without an X-Request-Id`);
  if (acked.length !== ok) problems.push(`${acked.length} ids listed for ${ok} 2xx answers`);
  if (missing.length > 0)
    problems.push(`${missing.length} acknowledged beacons missing, e.g. ${missing.slice(0, 3)}`);
  if (relays !== stored.ids.size)
    problems.push(`${relays} relays queued for ${stored.ids.size} stored purchases`);
  return {
    acknowledged: ok,
    found,
    stored: stored.ids.size,
    // Stored, but wrk never read the answer: in flight when a run's time was up.
    unacknowledgedStored: stored.ids.size - found,
    relays,
    non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
    socketErrors: runs.reduce((sum, run) => sum + run.socketErrors, 0),
    runs: runs.length,
    problems,
  };
}

/**
 * @param {Clusters} clusters
 * @returns {Promise<Record<'bare' | Target['id'], IngestResult>>}
 */
async function benchIngest(clusters) {
  const stalled = await startStalledOnramp();
  /** @type {{ id: 'bare' | Target['id'], label: string, server: Server, read?: () => Promise<{ ids: Set<string>, relays: Record<string, number> }>, pids: { serverPid: number, postmaster?: number } }[]} */
  const servers = [];
  try {
    const bare = await startBare();
    servers.push({
      id: 'bare',
      label: 'Bare Express 5',
      server: bare,
      pids: { serverPid: bare.pid },
    });
    for (const target of TARGETS) {
      const store = await freshStore(target, clusters, 'ingest');
      const collector = await startCollector(store.db, stalled.url, {
        // One stalled onramp call at a time: the relay worker stays out of the figures.
        CLM_RELAY_CONCURRENCY: '1',
        CLM_RELAY_TIMEOUT_MS: '600000',
        CLM_SHUTDOWN_GRACE_MS: '0',
      });
      servers.push({
        id: target.id,
        label: `Collector on ${target.label}`,
        server: collector,
        read: store.read,
        pids: {
          serverPid: collector.pid,
          ...(store.postgres && { postmaster: store.postgres.postmaster }),
        },
      });
    }
    /** @type {Map<string, LoadResult[]>} every run against each server */
    const all = new Map(servers.map(({ id }) => [id, []]));
    /** @type {Map<string, LoadResult[]>} the kept max-rate run of each round */
    const kept = new Map(servers.map(({ id }) => [id, []]));
    const tagOf = (/** @type {string} */ id) => id.replace('-', '');
    const run = async (
      /** @type {(typeof servers)[number]} */ { id, server, pids },
      /** @type {string} */ tag,
      /** @type {number} */ rate = 0,
    ) => {
      const result = await measured(server.url, {
        tag: `${tagOf(id)}${tag}`,
        seconds: plan.duration,
        rate,
        pids,
      });
      all.get(id)?.push(...result.attempts);
      return result.kept;
    };
    console.log(`[pg-bench] ingest: warm-up, ${plan.warmup} s each`);
    for (const { id, server, pids } of servers) {
      all
        .get(id)
        ?.push(await wrk(server.url, { tag: `${tagOf(id)}w`, seconds: plan.warmup, pids }));
    }
    for (let round = 0; round < plan.ingestRounds; round++) {
      for (const entry of rotate(servers, round)) {
        const result = await run(entry, `m${round + 1}`);
        kept.get(entry.id)?.push(result);
        console.log(
          `[pg-bench] ingest round ${round + 1}, ${entry.label}: ${fmt(result.rps)} req/s, ` +
            `p50 ${ms(result.p50)}, p99 ${ms(result.p99)}`,
        );
      }
    }
    /** @type {Record<string, IngestResult>} */
    const results = {};
    for (const entry of servers) {
      const rounds = /** @type {LoadResult[]} */ (kept.get(entry.id));
      const max = summarize(rounds);
      const halfRate = Math.max(1, Math.round(max.rps / 2));
      const half = await run(entry, 'h', halfRate);
      console.log(
        `[pg-bench] ingest at half load, ${entry.label}: p99 ${ms(half.p99)} at ` +
          `${fmt(half.rps)}/s (of ${fmt(halfRate)}/s)`,
      );
      results[entry.id] = {
        rounds,
        max,
        half,
        halfRate,
        retried: 0,
        peakRssKb: statusKb(entry.server.pid, 'VmHWM'),
        check: undefined,
      };
    }
    for (const entry of servers) await entry.server.stop();
    // Every acknowledged beacon in the store, read once the collector has stopped.
    for (const entry of servers) {
      const runs = /** @type {LoadResult[]} */ (all.get(entry.id));
      const result = /** @type {IngestResult} */ (results[entry.id]);
      result.retried = runs.length - 1 - plan.ingestRounds - 1;
      if (!entry.read) continue;
      const check = checkIngest(runs, await entry.read());
      result.check = check;
      console.log(
        `[pg-bench] ingest check, ${entry.label}: ${fmt(check.found)} of ` +
          `${fmt(check.acknowledged)} acknowledged beacons stored`,
      );
      if (check.problems.length > 0)
        throw new Error(`ingest on ${entry.label}: ${check.problems.join('; ')}`);
    }
    return /** @type {Record<'bare' | Target['id'], IngestResult>} */ (results);
  } catch (error) {
    const outputs = servers.map(
      ({ label, server }) => `--- ${label}:\n${server.output().slice(-2000)}`,
    );
    throw new Error(`${/** @type {Error} */ (error).message}\n${outputs.join('\n')}`);
  } finally {
    for (const { server } of servers) await server.stop();
    await stalled.close();
  }
}

// ---------------------------------------------------------------------------------------
// Relay drain

/**
 * Queues `count` purchases, each with its pending SaasTracking relay, through the store's
 * own `recordEvent` (as `POST /beacon` does), 200 at a time. Returns the customer ids.
 * @param {string} db
 * @param {number} count
 */
async function seedBacklog(db, count) {
  const store = await collectorApi.openStore({
    db,
    logger: collectorApi.silentLogger,
    poolSize: POOL_SIZE,
  });
  const now = Date.now();
  const purchasedAt = new Date(now).toISOString();
  /** @type {string[]} */
  const customers = [];
  try {
    for (let start = 0; start < count; start += 200) {
      const batch = [];
      for (let i = start; i < Math.min(count, start + 200); i++) {
        const customerId = `drain-${String(i).padStart(6, '0')}`;
        customers.push(customerId);
        const payload = { partnerKey: PARTNER_KEY, serviceName: SERVICE, customerId, purchasedAt };
        batch.push(
          store.recordEvent(
            {
              id: `drain_evt_${String(i).padStart(6, '0')}`,
              type: 'purchase',
              partnerKey: PARTNER_KEY,
              serviceName: SERVICE,
              customerId,
              referral: { id: 'R-bench', at: now - 60_000 },
              clientTime: now,
              receivedAt: now,
            },
            {
              kind: 'saas_tracking',
              // The SaasTracking kind's dedupe key (tracking/saas-tracking.ts).
              dedupeKey: JSON.stringify([PARTNER_KEY, SERVICE, customerId]),
              partnerKey: PARTNER_KEY,
              serviceName: SERVICE,
              customerId,
              orderId: null,
              sku: null,
              period: null,
              payload,
              purchasedAt,
              createdAt: now,
              source: 'beacon',
            },
          ),
        );
      }
      const results = await Promise.all(batch);
      const notQueued = results.filter((result) => !result.relayQueued).length;
      if (notQueued > 0) throw new Error(`seeding: ${notQueued} relays not queued`);
    }
    const counts = await store.countRelays();
    if (counts.pending !== count)
      throw new Error(`seeding: ${counts.pending} pending relays, ${count} wanted`);
  } finally {
    await store.close();
  }
  return customers;
}

/**
 * `clm_relays_pending` from the collector's /metrics.
 * @param {string} url
 */
async function pendingRelays(url) {
  const response = await fetch(`${url}/metrics`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  if (!response.ok) throw new Error(`/metrics answered ${response.status}`);
  const match = /^clm_relays_pending (\d+)/m.exec(await response.text());
  if (!match) throw new Error('no clm_relays_pending in /metrics');
  return Number(match[1]);
}

/**
 * @typedef {object} Drain
 * @property {number} seedSeconds
 * @property {number} receiptSeconds The onramp's first to last call.
 * @property {number} rate (backlog − 1) / receiptSeconds
 * @property {number} untilDrainedSeconds From /healthz answering to 0 pending on /metrics.
 * @property {number} peakRssKb
 * @property {number} idleRssKb
 * @property {number} serverCores
 * @property {number} postgresCores
 * @property {number} foreignCores
 * @property {{ calls: number, distinct: number, missing: number, twice: number, strangers: number, otherCalls: number, relays: Record<string, number> }} check
 */

/**
 * One drain: a fresh store seeded with the backlog, a collector draining it into a fast
 * onramp, then the checks (which throw).
 * @param {Target} target
 * @param {Clusters} clusters
 * @returns {Promise<Drain>}
 */
async function drainOnce(target, clusters) {
  const store = await freshStore(target, clusters, 'relay');
  const seedStarted = performance.now();
  const customers = await seedBacklog(store.db, plan.backlog);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  await store.postgres?.checkpoint();
  await waitForQuiet();
  const onramp = await startFastOnramp();
  /** @type {Omit<Drain, 'check'>} */
  let figures;
  try {
    const collector = await startCollector(store.db, onramp.url, {
      CLM_RELAY_CONCURRENCY: String(RELAY_CONCURRENCY),
    });
    try {
      const ready = performance.now();
      const cpu = watchCpu({
        serverPid: collector.pid,
        ...(store.postgres && { postmaster: store.postgres.postmaster }),
      });
      let peakRssKb = 0;
      let drained = Number.NaN;
      while (Number.isNaN(drained)) {
        peakRssKb = Math.max(peakRssKb, statusKb(collector.pid, 'VmHWM'));
        if (onramp.perCustomer.size >= plan.backlog && (await pendingRelays(collector.url)) === 0)
          drained = performance.now();
        else if (performance.now() - ready > plan.drainLimitMs)
          throw new Error(
            `not drained in ${plan.drainLimitMs / 1000} s: ${onramp.counts.calls} calls received`,
          );
        else await sleep(100);
      }
      const { serverCores, postgresCores, foreignCores } = cpu();
      peakRssKb = Math.max(peakRssKb, statusKb(collector.pid, 'VmHWM'));
      await sleep(plan.idleMs);
      const idleRssKb = statusKb(collector.pid, 'VmRSS');
      const receiptSeconds = (onramp.counts.last - onramp.counts.first) / 1000;
      figures = {
        seedSeconds,
        receiptSeconds,
        rate: (plan.backlog - 1) / receiptSeconds,
        untilDrainedSeconds: (drained - ready) / 1000,
        peakRssKb,
        idleRssKb,
        serverCores,
        postgresCores,
        foreignCores,
      };
    } catch (error) {
      throw new Error(`${/** @type {Error} */ (error).message}\n${collector.output()}`);
    } finally {
      await collector.stop();
    }
  } finally {
    await onramp.close();
  }
  // Exactly once at the onramp, and every row marked delivered.
  const { perCustomer, counts } = onramp;
  const missing = customers.filter((id) => !perCustomer.has(id)).length;
  const twice = [...perCustomer.values()].filter((n) => n > 1).length;
  const strangers = [...perCustomer.keys()].filter((id) => !id.startsWith('drain-')).length;
  const { relays } = await store.read();
  const check = {
    calls: counts.calls,
    distinct: perCustomer.size,
    missing,
    twice,
    strangers,
    otherCalls: counts.other,
    relays,
  };
  console.log(
    `[pg-bench]   ${fmt(figures.rate)} relays/s (${fmt(figures.receiptSeconds, 2)} s first to ` +
      `last call), pending 0 after ${fmt(figures.untilDrainedSeconds, 2)} s; peak RSS ` +
      `${mb(figures.peakRssKb)}, idle ${mb(figures.idleRssKb)}; ${fmt(counts.calls)} calls for ` +
      `${fmt(perCustomer.size)} customers; other load ${fmt(foreignOf(figures), 2)} cores`,
  );
  const problems = [
    counts.calls !== plan.backlog && `${counts.calls} calls for ${plan.backlog} relays`,
    missing > 0 && `${missing} customers never relayed`,
    twice > 0 && `${twice} customers relayed more than once`,
    strangers > 0 && `${strangers} unknown customers relayed`,
    counts.other > 0 && `${counts.other} calls to other endpoints`,
    relays.delivered !== plan.backlog &&
      `${relays.delivered} relays marked delivered (${JSON.stringify(relays)})`,
    Object.entries(relays).some(([status, n]) => status !== 'delivered' && n > 0) &&
      `relays left undelivered: ${JSON.stringify(relays)}`,
  ].filter(Boolean);
  if (problems.length > 0)
    throw new Error(`relay drain on ${target.label}: ${problems.join('; ')}`);
  return { ...figures, check };
}

const foreignOf = (/** @type {{ foreignCores: number }} */ run) => run.foreignCores;

/**
 * @typedef {object} RelayResult
 * @property {Drain[]} rounds The kept drain of each round.
 * @property {number} retried Drains set aside as disturbed (checked all the same).
 * @property {Drain[]} all Every drain, for the checks.
 */

/**
 * Rounds of drains, the targets' order rotated each round; a drain disturbed by other work
 * is done again on a fresh backlog (up to MAX_ATTEMPTS times, keeping the least disturbed).
 * @param {Clusters} clusters
 * @returns {Promise<Record<Target['id'], RelayResult>>}
 */
async function benchRelay(clusters) {
  /** @type {Record<string, RelayResult>} */
  const results = Object.fromEntries(
    TARGETS.map((target) => [target.id, { rounds: [], retried: 0, all: [] }]),
  );
  for (let round = 0; round < plan.drainRounds; round++) {
    for (const target of rotate(TARGETS, round)) {
      const result = /** @type {RelayResult} */ (results[target.id]);
      /** @type {Drain[]} */
      const attempts = [];
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        console.log(
          `[pg-bench] relay drain round ${round + 1}, ${target.label}: ${fmt(plan.backlog)} ` +
            `relays${attempt > 1 ? ` (attempt ${attempt}: the last one was disturbed)` : ''}`,
        );
        attempts.push(await drainOnce(target, clusters));
        if (foreignOf(/** @type {Drain} */ (attempts.at(-1))) <= MAX_FOREIGN_CORES) break;
      }
      result.rounds.push(
        attempts.reduce((best, run) => (run.foreignCores < best.foreignCores ? run : best)),
      );
      result.retried += attempts.length - 1;
      result.all.push(...attempts);
    }
  }
  return /** @type {Record<Target['id'], RelayResult>} */ (results);
}

// ---------------------------------------------------------------------------------------
// Report

/**
 * A Markdown table with its columns padded (as Biome formats them).
 * @param {string[]} head
 * @param {string[][]} rows
 * @param {('l' | 'r')[]} align
 */
function table(head, rows, align) {
  const widths = head.map((cell, i) =>
    Math.max(3, cell.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const pad = (/** @type {string} */ cell, /** @type {number} */ i) =>
    align[i] === 'r' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0);
  const line = (/** @type {string[]} */ cells) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (align[i] === 'r' ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

/**
 * @param {{ machine: ReturnType<typeof describeMachine>, date: string, command: string,
 *   pgVersion: string, pgSettings: Record<string, string>, durableSettings: Record<string, string>,
 *   fsType: string, build: string, wrkVersion: string,
 *   ingest: Record<'bare' | Target['id'], IngestResult>, relay: Record<Target['id'], RelayResult> }} run
 */
function renderReport(run) {
  const { machine, ingest, relay } = run;
  const { bare, sqlite, pg: pgFast, 'pg-durable': pgDurable } = ingest;
  const rounds = plan.ingestRounds;
  const range = (/** @type {IngestResult} */ r) =>
    rounds > 1 ? `${fmt(r.max.rpsMin)}–${fmt(r.max.rpsMax)}` : '—';
  const ingestRows = [
    ['Bare Express 5, 204', bare],
    ...TARGETS.map((t) => [`Collector on ${t.label}`, ingest[t.id]]),
  ].map(([label, r]) => {
    const result = /** @type {IngestResult} */ (r);
    return [
      /** @type {string} */ (label),
      fmt(result.max.rps),
      range(result),
      ms(result.max.p50),
      ms(result.max.p99),
      pct(result.max.rps / bare.max.rps),
      result === bare ? '—' : pct(result.max.rps / sqlite.max.rps),
      `${ms(result.half.p99)} at ${fmt(result.half.rps)}/s`,
      fmt(result.max.serverCores, 2),
      result.max.postgresCores > 0 ? fmt(result.max.postgresCores, 2) : '—',
    ];
  });
  /** Median over the rounds of a drain figure. */
  const drainMedian = (
    /** @type {Target['id']} */ id,
    /** @type {(drain: Drain) => number} */ pick,
  ) => median(relay[id].rounds.map(pick));
  const relayRate = (/** @type {Target['id']} */ id) => drainMedian(id, (d) => d.rate);
  const relayRows = TARGETS.map((target) => {
    const drains = relay[target.id].rounds;
    const rates = drains.map((d) => d.rate);
    return [
      target.label,
      `${fmt(
        drainMedian(target.id, (d) => d.seedSeconds),
        1,
      )} s`,
      `${fmt(
        drainMedian(target.id, (d) => d.receiptSeconds),
        2,
      )} s`,
      fmt(relayRate(target.id)),
      drains.length > 1 ? `${fmt(Math.min(...rates))}–${fmt(Math.max(...rates))}` : '—',
      target.id === 'sqlite' ? '100 %' : pct(relayRate(target.id) / relayRate('sqlite')),
      `${fmt(
        drainMedian(target.id, (d) => d.untilDrainedSeconds),
        2,
      )} s`,
      mb(Math.max(...drains.map((d) => d.peakRssKb))),
      mb(drainMedian(target.id, (d) => d.idleRssKb)),
      fmt(
        drainMedian(target.id, (d) => d.serverCores),
        2,
      ),
      target.id === 'sqlite'
        ? '—'
        : fmt(
            drainMedian(target.id, (d) => d.postgresCores),
            2,
          ),
    ];
  });
  const ratio = (/** @type {number} */ a, /** @type {number} */ b) => `${fmt(a / b, 2)}×`;
  /** The ratio of two targets' max rates in each round (run minutes apart at most). */
  const perRound = (/** @type {IngestResult} */ a, /** @type {IngestResult} */ b) => {
    if (rounds < 2) return '';
    const ratios = a.rounds.map((run, i) => run.rps / /** @type {LoadResult} */ (b.rounds[i]).rps);
    return ` (per round ${fmt(Math.min(...ratios), 2)}–${fmt(Math.max(...ratios), 2)}×)`;
  };
  const perCore = (/** @type {IngestResult} */ r) =>
    r.max.rps / (r.max.serverCores + r.max.postgresCores);
  const retried = Object.values(ingest).reduce((n, r) => n + r.retried, 0);
  const drainsRetried = TARGETS.reduce((n, t) => n + relay[t.id].retried, 0);
  const foreign = [['bare Express', bare], ...TARGETS.map((t) => [t.label, ingest[t.id]])].map(
    ([label, r]) => `${label} ${fmt(/** @type {IngestResult} */ (r).max.foreignCores, 2)}`,
  );
  const relayForeign = TARGETS.map(
    (t) => `${t.label} ${fmt(Math.max(...relay[t.id].rounds.map(foreignOf)), 2)}`,
  );
  const checks = TARGETS.map((target) => {
    const c = /** @type {NonNullable<IngestResult['check']>} */ (ingest[target.id].check);
    return (
      `- **${target.label}**: ${fmt(c.found)} of ${fmt(c.acknowledged)} acknowledged beacons ` +
      `found by id, over ${c.runs} wrk runs (${fmt(c.stored)} purchases stored in all, ` +
      `${fmt(c.unacknowledgedStored)} of them stored but unanswered when a run's time was up), ` +
      `${fmt(c.relays)} relays queued for them; non-2xx: ${fmt(c.non2xx)}, socket errors and ` +
      `timeouts: ${fmt(c.socketErrors)}.`
    );
  });
  const relayChecks = TARGETS.map((target) => {
    const drains = relay[target.id].all;
    const sum = (/** @type {(drain: Drain) => number} */ pick) =>
      fmt(drains.reduce((n, d) => n + pick(d), 0));
    const statuses = new Map();
    for (const drain of drains)
      for (const [status, n] of Object.entries(drain.check.relays))
        statuses.set(status, (statuses.get(status) ?? 0) + n);
    return (
      `- **${target.label}**, ${drains.length} drain(s) of ${fmt(plan.backlog)}: ` +
      `${sum((d) => d.check.calls)} calls for ${sum((d) => d.check.distinct)} distinct ` +
      `customers, ${sum((d) => d.check.missing)} seeded customers missing, ` +
      `${sum((d) => d.check.twice)} received twice or more, ${sum((d) => d.check.otherCalls)} ` +
      `calls to other endpoints; the stores afterwards: ` +
      `${[...statuses].map(([status, n]) => `${fmt(n)} ${status}`).join(', ')}.`
    );
  });
  const s = run.pgSettings;
  const d = run.durableSettings;
  const roundsText =
    rounds > 1
      ? `${rounds} rounds of max-rate runs, the targets' order rotated each round; each figure is the median over the rounds`
      : 'one max-rate run each';
  const drainText =
    plan.drainRounds > 1
      ? `${plan.drainRounds} drains per store, the order rotated each round; each figure is the median (peak RSS: the highest)`
      : 'one drain per store';
  return `# Benchmarks: PostgreSQL beside SQLite

> ${smoke ? 'A smoke run (tiny counts, figures of no weight)' : 'The last full run'} of \`${run.command}\`. The collector on SQLite, on PostgreSQL as the
> throwaway test cluster runs it (fsync off) and on PostgreSQL with durable settings, and a
> bare Express 5 baseline, all in the same run on the same machine.

- Command: \`${run.command}\`
- Date: ${run.date}
- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB RAM, ${machine.platform}, Node ${machine.node}
- PostgreSQL ${run.pgVersion}: two throwaway clusters from \`scripts/pg-cluster.mjs\` side by side, one as it comes, one switched to durable settings; on the same machine and disk as the SQLite files (${run.fsType}); \`shared_buffers\` ${fmt((Number(s.shared_buffers) * 8) / 1024)} MB (the default); the collector's default pool of ${POOL_SIZE} connections
- Collector: \`packages/collector/dist\`, ${run.build}
- Load: ${run.wrkVersion}, ${WRK_THREADS} thread, ${plan.connections} connections, ${plan.duration} s per measured run, ${roundsText}

## Ingest

\`POST /beacon\` with a unique purchase beacon per request (each queues a SaasTracking relay), after a ${plan.warmup} s warm-up per target. The onramp never answers, so relaying does not compete.

${table(
  [
    'Target',
    'Requests/s',
    'Range',
    'p50',
    'p99',
    'vs bare',
    'vs SQLite',
    'p99 at half load',
    'Server cores',
    'PostgreSQL cores',
  ],
  ingestRows,
  ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
)}

Ratios, same run:

- PostgreSQL, fsync off, vs SQLite: ${ratio(pgFast.max.rps, sqlite.max.rps)} the requests/s${perRound(pgFast, sqlite)}, p99 ${ratio(pgFast.max.p99, sqlite.max.p99)}.
- PostgreSQL, fsync on, vs SQLite: ${ratio(pgDurable.max.rps, sqlite.max.rps)} the requests/s${perRound(pgDurable, sqlite)}, p99 ${ratio(pgDurable.max.p99, sqlite.max.p99)}.
- PostgreSQL, fsync on vs off: ${ratio(pgDurable.max.rps, pgFast.max.rps)} the requests/s${perRound(pgDurable, pgFast)}.
- Each vs bare Express: SQLite ${pct(sqlite.max.rps / bare.max.rps)}, PostgreSQL fsync off ${pct(pgFast.max.rps / bare.max.rps)}, fsync on ${pct(pgDurable.max.rps / bare.max.rps)} of its requests/s.
- p99 at half load (each target at half its own median max rate, so the rates differ: ${['bare', ...TARGETS.map((t) => t.id)].map((id) => `${fmt(ingest[/** @type {'bare' | Target['id']} */ (id)].halfRate)}/s`).join(', ')}): PostgreSQL vs SQLite ${ratio(pgFast.half.p99, sqlite.half.p99)} with fsync off, ${ratio(pgDurable.half.p99, sqlite.half.p99)} with fsync on.

Collector peak RSS over the ingest runs: ${TARGETS.map((t) => `${t.label} ${mb(ingest[t.id].peakRssKb)}`).join('; ')}.

## Relay drain

${fmt(plan.backlog)} pending SaasTracking relays queued before the collector starts, drained into a local onramp answering 201 at once, relay concurrency ${RELAY_CONCURRENCY}; ${drainText}.

${table(
  [
    'Store',
    'Seeding',
    'First to last call',
    'Relays/s',
    'Range',
    'vs SQLite',
    'Until 0 pending',
    'Peak RSS',
    'Idle RSS after',
    'Server cores',
    'PostgreSQL cores',
  ],
  relayRows,
  ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
)}

- PostgreSQL vs SQLite: ${ratio(relayRate('pg'), relayRate('sqlite'))} the relays/s with fsync off, ${ratio(relayRate('pg-durable'), relayRate('sqlite'))} with fsync on.

## Checks

Every acknowledged beacon is in the store: wrk's script sends each beacon's id as \`X-Request-Id\`, the collector echoes it, and the ids of all 2xx answers (warm-up, max-rate and half-load runs${retried > 0 ? ', and the runs set aside as disturbed' : ''}) are looked up in the \`events\` table once the collector has stopped. The number of ids listed must equal wrk's own count of 2xx answers, and each stored purchase must have its relay.

${checks.join('\n')}

Every relay delivered exactly once: the onramp counts calls per \`customerId\`; each seeded customer must arrive exactly once, and the store must then hold every relay as delivered${drainsRetried > 0 ? ' (drains set aside as disturbed were checked too)' : ''}.

${relayChecks.join('\n')}

## What limits PostgreSQL here

- **Durability.** \`scripts/pg-cluster.mjs\` starts its clusters with \`fsync\`, \`synchronous_commit\` and \`full_page_writes\` off: a commit there never waits for the disk, while the collector's SQLite store commits with \`synchronous = FULL\` (an fsync per group commit). That flatters PostgreSQL, so the second cluster was switched to \`fsync\`, \`synchronous_commit\` and \`full_page_writes\` on (\`ALTER SYSTEM\`, reload, checked in \`pg_settings\`: ${['fsync', 'synchronous_commit', 'full_page_writes'].map((k) => `${k} ${d[k]}`).join(', ')}, \`wal_sync_method\` ${d.wal_sync_method}). Only the fsync-on rows compare like with like.
- **Batches on both stores, and what is left.** The SQLite store commits every beacon parsed in the same event-loop turn in one transaction (\`store/group-commit.ts\`). The PostgreSQL store writes the beacons that arrive while earlier ones are being written in one statement (the events, and the relays of those that were new: one round trip and one commit for the batch, \`store/postgres/ingest-batch.ts\`), at most ${Math.floor(POOL_SIZE / 2)} batches at once with the default pool of ${POOL_SIZE}; deliveries are batched the same way during a drain. What is left is a round trip per batch to another process, and that process's CPU. Per core used by the collector and the database together, that is ${fmt(perCore(sqlite))} beacons/s on SQLite against ${fmt(perCore(pgFast))} (fsync off) and ${fmt(perCore(pgDurable))} (fsync on) on PostgreSQL. Seeding the backlog: ${fmt(plan.backlog)} \`recordEvent\` calls, 200 at a time, took ${fmt(
    drainMedian('sqlite', (x) => x.seedSeconds),
    1,
  )} s on SQLite and ${fmt(
    drainMedian('pg', (x) => x.seedSeconds),
    1,
  )} s / ${fmt(
    drainMedian('pg-durable', (x) => x.seedSeconds),
    1,
  )} s on PostgreSQL.
- **One machine, ${machine.cores} cores.** The collector (one Node thread for requests), PostgreSQL's backends, wrk and, during the drain, the onramp (in the bench process) share the same cores; a PostgreSQL commit is a round trip to other processes through the loopback, CPU that SQLite, inside the collector's process, does not spend. In the max-rate runs the collector used ${fmt(sqlite.max.serverCores, 2)} cores on SQLite; on PostgreSQL the collector and the server used ${fmt(pgFast.max.serverCores, 2)} + ${fmt(pgFast.max.postgresCores, 2)} cores with fsync off and ${fmt(pgDurable.max.serverCores, 2)} + ${fmt(pgDurable.max.postgresCores, 2)} with fsync on, wrk the rest. A PostgreSQL server on a machine of its own would leave the collector its cores but add a network round trip to each batch.
- **An untuned throwaway cluster.** Defaults besides the settings above (\`shared_buffers\`, \`work_mem\`, checkpoints; \`max_connections\` ${s.max_connections} from pg-cluster.mjs), a fresh database per use, small tables: these figures say nothing about a large or long-lived database.
- **Other jobs on the host.** The machine is shared. Each measured run waited for it to be quiet and was done again (${MAX_ATTEMPTS} attempts at most, keeping the least disturbed) when more than ${MAX_FOREIGN_CORES} of a core went to other work meanwhile; so was each drain, on a fresh backlog.${retried + drainsRetried > 0 ? ` This time ${retried} load run(s) and ${drainsRetried} drain(s) were set aside.` : ''} Most cores taken by other work during a kept max-rate run: ${foreign.join(', ')}; during a kept drain: ${relayForeign.join(', ')}.

## Method

- **Ingest**: bare Express and the three collectors are all started first (each collector on a fresh store), then loaded one at a time: a ${plan.warmup} s warm-up each; ${rounds > 1 ? `${rounds} rounds of ${plan.duration} s max-rate runs, the targets' order rotated each round (the tables show medians)` : `one ${plan.duration} s max-rate run each`}, as fast as ${plan.connections} connections go (one request at a time each); then ${plan.duration} s each at half its median max rate (wrk's script schedules the requests; wrk 4 measures latency from when a request is written, so the half-load p99 leaves out any wait for a slot). "Range" is the lowest and highest max rate over the rounds. The collector runs as \`clm-collector serve\` does (\`dist/cli.js serve\`), \`CLM_LOG_LEVEL=warn\`, the rate limit at 1,000,000/min, one stalled onramp call at a time. The bare baseline is Express 5 answering 204 without reading the body, as \`bench/lib/bare-server.mjs\` does (inlined here, without that file's 10-minute self-stop). Server cores: the server process's CPU time over the run; PostgreSQL cores: the postmaster's and all its processes'.
- **Relay drain**: the backlog is queued through the collector's own store API (\`openStore\`, then \`recordEvent(event, relay)\` with the SaasTracking relay a purchase beacon queues) into a fresh SQLite file or PostgreSQL database, then the collector starts with \`CLM_RELAY_CONCURRENCY=${RELAY_CONCURRENCY}\`. "First to last call" is the time between the onramp's first and last receipt, and relays/s is (backlog − 1) over it, as in \`bench/relay.mjs\`; "until 0 pending" runs from the collector answering \`/healthz\` until \`/metrics\` shows \`clm_relays_pending 0\` (polled every 100 ms, so it includes marking the last calls delivered). Peak RSS is the collector's \`VmHWM\`, idle RSS its \`VmRSS\` ${fmt(plan.idleMs / 1000)} s after the drain.
- **Isolation**: everything listens on 127.0.0.1 only; wrk, the collectors and the bare server are processes of their own; the PostgreSQL clusters, collectors, servers and temporary files are removed when the run ends, however it ends.
`;
}

// ---------------------------------------------------------------------------------------

async function main() {
  const timer = setTimeout(async () => {
    console.error(`[pg-bench] time limit of ${plan.limitMs / 1000} s reached, stopping`);
    await cleanupAll();
    process.exit(2);
  }, plan.limitMs);
  timer.unref();
  if (spawnSync('wrk', ['--version']).error !== undefined)
    throw new Error('wrk is needed: apt-get install -y wrk');
  if (!existsSync(builtCli)) {
    console.log('[pg-bench] building the collector');
    const build = spawnSync('pnpm', ['--filter', '@clm/collector', 'build'], { stdio: 'inherit' });
    if (build.status !== 0) throw new Error('pnpm --filter @clm/collector build failed');
  }
  const build = snapshotCollector();
  collectorApi = await import(pathToFileURL(join(workDir, 'collector', 'dist', 'index.js')).href);
  const fsType =
    spawnSync('df', ['--output=fstype', tmpdir()], { encoding: 'utf8' })
      .stdout?.split('\n')[1]
      ?.trim() || 'unknown file system';
  const wrkVersion = /^wrk \S+/.exec(
    spawnSync('wrk', ['--version'], { encoding: 'utf8' }).stdout,
  )?.[0];
  const started = performance.now();
  /** @type {Clusters} */
  const clusters = {
    fast: await startPostgres('fsync off'),
    durable: await startPostgres('fsync on'),
  };
  const pgSettings = await clusters.fast.settings();
  if (pgSettings.fsync !== 'off')
    console.warn(`[pg-bench] the cluster came with fsync ${pgSettings.fsync}, not off`);
  const durableSettings = await clusters.durable.makeDurable();

  const ingest = await benchIngest(clusters);
  const relay = await benchRelay(clusters);
  await cleanupAll();
  console.log(`[pg-bench] done in ${fmt((performance.now() - started) / 1000)} s`);

  const command = `pnpm --filter @clm/bench bench:postgres${smoke ? ' --smoke' : ''}`;
  const report = renderReport({
    machine: describeMachine(),
    date: new Date().toISOString(),
    command,
    pgVersion: clusters.fast.version,
    pgSettings,
    durableSettings,
    fsType,
    build,
    wrkVersion: wrkVersion ?? 'wrk',
    ingest,
    relay,
  });
  console.log(`\n${report}`);
  if (smoke) {
    console.log('[pg-bench] smoke run: tiny counts, docs/benchmarks-postgres.md left as it is');
    return;
  }
  const out = new URL('../docs/benchmarks-postgres.md', import.meta.url);
  writeFileSync(out, report);
  console.log(`[pg-bench] wrote ${fileURLToPath(out)}`);
}

try {
  await main();
} catch (error) {
  console.error(`[pg-bench] failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanupAll();
}
