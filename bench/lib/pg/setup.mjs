// The PostgreSQL bench's plan (full or --smoke), its constants, the collector build every
// target runs, and the cleanup that stops everything it started, however the run ends.
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false } } });
export const smoke = values.smoke;

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
export const plan = smoke
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

export const HOST = '127.0.0.1';
export const PARTNER_KEY = 'PK-bench';
export const SERVICE = 'bench-service';
export const SHOP_ORIGIN = 'http://shop.bench.test';
export const ADMIN_TOKEN = `bench-admin-${process.pid}-${Date.now()}`;
/** The relay worker's concurrency for the drain (the collector's maximum; bench/relay.mjs too). */
export const RELAY_CONCURRENCY = 64;
/** The collector's default PostgreSQL pool, stated in the report. */
export const POOL_SIZE = 10;
/** wrk threads: one, as in bench/lib, so the load takes one core at most of the two. */
export const WRK_THREADS = 1;
/** A run is set aside (and done again) when other work took this many cores meanwhile. */
export const MAX_FOREIGN_CORES = 0.3;
/** Attempts at a disturbed run or drain; the least disturbed one is kept. */
export const MAX_ATTEMPTS = 2;

const require = createRequire(import.meta.url);
const collectorDir = dirname(require.resolve('@clm/collector/package.json'));
export const builtCli = join(collectorDir, 'dist/cli.js');
export const benchDir = fileURLToPath(new URL('../../', import.meta.url));
export const workDir = mkdtempSync(join(tmpdir(), 'clm-bench-pg-'));
/**
 * The collector every target runs: a copy of packages/collector/dist taken when the run
 * starts (others may rebuild dist meanwhile), beside the package's package.json and a link
 * to its node_modules, so that it resolves its dependencies as the original does.
 */
export const collectorCli = join(workDir, 'collector', 'dist', 'cli.js');

/**
 * The collector's store API, from the copy (loaded once it is made): the backlog is seeded,
 * and the drain checked, by the same build that runs.
 * @type {Pick<import('@clm/collector'), 'openStore' | 'silentLogger'>}
 */
export let collectorApi;

/** Loads {@link collectorApi} from the copy {@link snapshotCollector} made. */
export async function loadCollectorApi() {
  collectorApi = await import(pathToFileURL(join(workDir, 'collector', 'dist', 'index.js')).href);
}

/** Copies the built collector into the work folder; what was copied, for the report. */
export function snapshotCollector() {
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
export const children = new Set();

/**
 * Registers `stop`, run once when the bench ends; returns the function that unregisters it.
 * @param {() => Promise<void>} stop
 */
export const onCleanup = (stop) => {
  cleanups.add(stop);
  return () => cleanups.delete(stop);
};

export async function cleanupAll() {
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
export function spawnChild(file, args, options = {}) {
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
