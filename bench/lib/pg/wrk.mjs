// The PostgreSQL bench's load: wrk, a process of its own, and the medians of its runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { quantile } from '../stats.mjs';
import { waitForQuiet, watchCpu } from './cpu.mjs';
import {
  MAX_ATTEMPTS,
  MAX_FOREIGN_CORES,
  onCleanup,
  PARTNER_KEY,
  plan,
  SERVICE,
  SHOP_ORIGIN,
  spawnChild,
  WRK_THREADS,
  workDir,
} from './setup.mjs';

// ---------------------------------------------------------------------------------------
// Load: wrk with bench/lib's script. Every request is a purchase beacon with a unique id
// (`<tag>_<thread>_<counter>`) and customer, the id also sent as X-Request-Id, which the
// collector echoes: the ids of the 2xx answers are listed.

const wrkScript = fileURLToPath(new URL('../beacons.lua', import.meta.url));
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
export async function wrk(url, { tag, seconds, rate = 0, pids }) {
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
export async function measured(url, options) {
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
export const median = (values) => quantile(values, 0.5);

/**
 * `items` rotated left by `by`: each round starts with another target, so a drift of the
 * machine over a round does not always land on the same one.
 * @template T
 * @param {T[]} items
 * @param {number} by
 */
export const rotate = (items, by) => [
  ...items.slice(by % items.length),
  ...items.slice(0, by % items.length),
];
