// The load generator runs in a process of its own, never in the server's: wrk when it is
// installed (`apt-get install -y wrk`), else autocannon in a child Node process.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PARTNER_KEY, SERVICE } from './beacon-body.mjs';
import { onExit } from './guard.mjs';
import { waitForQuiet, watchCpu } from './machine.mjs';

/** The page origin the bench's beacons claim, allowed in the collector's config. */
export const SHOP_ORIGIN = 'http://shop.bench.test';

/**
 * The collector's settings under ingest load: the bench's origin allowed, and one stalled
 * onramp call at a time, so the relay worker stays out of the figures.
 */
export const INGEST_COLLECTOR_ENV = {
  CLM_ALLOWED_ORIGINS: SHOP_ORIGIN,
  CLM_RELAY_CONCURRENCY: '1',
  CLM_RELAY_TIMEOUT_MS: '600000',
  CLM_SHUTDOWN_GRACE_MS: '0',
};

const luaScript = fileURLToPath(new URL('./beacons.lua', import.meta.url));
const autocannonChild = fileURLToPath(new URL('./autocannon-child.mjs', import.meta.url));

/** `wrk` when it is on the PATH (or `BENCH_LOAD=autocannon` asks for the fallback). */
export const loadTool =
  process.env.BENCH_LOAD !== 'autocannon' && spawnSync('wrk', ['--version']).error === undefined
    ? 'wrk'
    : 'autocannon';

const dir = mkdtempSync(join(tmpdir(), 'clm-bench-load-'));
onExit(async () => rmSync(dir, { recursive: true, force: true }));
let runs = 0;

/**
 * Sends beacons of `kind` ('purchase' or 'visit', each with its own event id and customer)
 * to `${url}/beacon` from `connections` connections, one request at a time each, for
 * `duration` seconds (or until `amount` answers), at most `overallRate` a second if given.
 * Resolves with requests/s, latency percentiles (ms), counts, and the id of every beacon
 * that got a 2xx (each request carries its id as `X-Request-Id`, which the answer echoes).
 */
export async function loadBeacons(
  url,
  { tag, kind = 'purchase', connections, duration, amount, overallRate, pid },
) {
  const out = join(dir, `run-${++runs}.json`);
  const cpu = watchCpu(pid);
  const seconds = duration ?? 60;
  const { code, output } =
    loadTool === 'wrk'
      ? await run('wrk', [
          '-t1',
          `-c${connections}`,
          `-d${seconds}s`,
          '--timeout',
          '10s',
          '-s',
          luaScript,
          url,
          '--',
          tag,
          kind,
          PARTNER_KEY,
          SERVICE,
          SHOP_ORIGIN,
          out,
          String(overallRate ?? 0),
          String(amount ?? 0),
        ])
      : await run(process.execPath, [
          autocannonChild,
          JSON.stringify({
            url,
            tag,
            kind,
            connections,
            duration: seconds,
            amount,
            overallRate,
            origin: SHOP_ORIGIN,
            out,
          }),
        ]);
  const { serverCores, foreignCores } = cpu();
  if (code !== 0) throw new Error(`${loadTool} exited with ${code}:\n${output}`);
  const figures = JSON.parse(readFileSync(out, 'utf8'));
  const accepted = readFileSync(`${out}.ids`, 'utf8').split('\n').filter(Boolean);
  const elapsed = figures.durationUs / 1e6;
  const non2xx = Object.entries(figures.statuses)
    .filter(([status]) => Number(status) < 200 || Number(status) >= 300)
    .reduce((sum, [, n]) => sum + n, 0);
  const { connect, read, write, timeout } = figures.errors;
  const rps = figures.requests / elapsed;
  return {
    tool: loadTool,
    rps,
    /** Cores the server used, and its CPU time per answered request. */
    serverCores,
    cpuUsPerRequest: pid ? (serverCores * 1e6) / rps : Number.NaN,
    /** Cores busy with something else than the server, the bench and the load. */
    foreignCores,
    requests: figures.requests,
    p50: figures.p50Us / 1000,
    p90: figures.p90Us / 1000,
    p99: figures.p99Us / 1000,
    max: figures.maxUs / 1000,
    ok: figures.acknowledged,
    non2xx,
    errors: connect + read + write,
    timeouts: timeout,
    accepted,
    statuses: figures.statuses,
  };
}

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk) => {
      output = (output + chunk.toString()).slice(-10_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const unregister = onExit(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      unregister();
      resolve({ code, output });
    });
  });
}

/**
 * {@link loadBeacons} on a shared machine: waits for it to be quiet, and runs again (up to
 * `attempts` times, keeping the least disturbed run) when something else took more than
 * `maxForeign` of a core meanwhile. Every attempt's acknowledged ids are kept, for the
 * store check; `disturbed` says how many runs were set aside.
 */
export async function loadQuietly(url, options, { attempts = 3, maxForeign = 0.25 } = {}) {
  // A smoke run checks correctness on a busy machine (the whole test suite): no waiting.
  if (options.quiet === false) {
    const { quiet: _, ...rest } = options;
    return { ...(await loadBeacons(url, rest)), disturbed: 0 };
  }
  const accepted = [];
  const counts = { non2xx: 0, errors: 0, timeouts: 0 };
  let best;
  let disturbed = 0;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    await waitForQuiet();
    const tag = attempt === 1 ? options.tag : `${options.tag}x${attempt}`;
    const result = await loadBeacons(url, { ...options, tag });
    // One at a time: a run's ids outnumber what a spread may pass as arguments.
    for (const id of result.accepted) accepted.push(id);
    for (const name of Object.keys(counts)) counts[name] += result[name];
    if (best === undefined || result.foreignCores < best.foreignCores) best = result;
    if (result.foreignCores <= maxForeign) break;
    disturbed++;
  }
  return { ...best, ...counts, accepted, ok: accepted.length, disturbed };
}
