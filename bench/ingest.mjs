import { INGEST_COLLECTOR_ENV, loadQuietly, loadTool } from './lib/load.mjs';
import { emptyNodeRss, rssOf, startBareExpress, startCollectorProcess } from './lib/processes.mjs';
import { startSandboxServer } from './lib/sandbox.mjs';
import { freshDbPath, PARTNER_KEY, readDb, seedPurchases } from './lib/seed.mjs';

export { INGEST_COLLECTOR_ENV };

/** The beacons measured: purchases (an event and a relay each) and visits (an event). */
export const KINDS = ['purchase', 'visit'];

// How long a freshly started collector is left alone before its idle RSS is read.
const IDLE_MS = 3000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Ingest: the same load (wrk, else autocannon, in a process of its own) against bare
 * Express 5, bare Express reading the body and parsing it, and the collector's POST /beacon
 * with purchase and with visit beacons, on databases already holding each of `sizes` rows;
 * then each collector target again at half its throughput, for latency. Checks that every
 * beacon that got a 2xx is in the database.
 */
export async function benchIngest(options) {
  const { sizes, connections, duration, warmup, amount, quiet } = options;
  const load = (url, tag, extra = {}) =>
    loadQuietly(url, { tag, connections, duration, amount, quiet, ...extra });

  const baselines = {};
  for (const [name, body] of [
    ['bare', false],
    ['body', true],
  ]) {
    const bare = await startBareExpress({ body });
    try {
      if (warmup) await load(bare.url, `warm${name}`, { duration: warmup, amount: undefined });
      baselines[name] = await load(bare.url, name, { pid: bare.pid });
    } finally {
      await bare.stop();
    }
  }

  // A stalled onramp keeps the relay worker waiting, so the figures are the beacon path's
  // own; relaying is measured on its own below.
  const sandbox = await startSandboxServer();
  await sandbox.mode({ mode: 'stall' });
  // Bare Express 5 again beside every collector run: the machine's speed drifts over a run
  // of several minutes, so each ratio is set against a bare run made just before it.
  const bare = await startBareExpress({ body: false });
  const runs = [];
  try {
    if (warmup) await load(bare.url, 'warmpair', { duration: warmup, amount: undefined });
    for (const size of sizes) {
      for (const kind of KINDS) {
        runs.push(await benchCollector({ size, kind, load, warmup, sandbox, bare }));
      }
    }
  } finally {
    await sandbox.close();
    await bare.stop();
  }
  return {
    tool: loadTool,
    // The floor of the idle figures: what Node itself holds, read after the same wait.
    emptyNodeRss: await emptyNodeRss(IDLE_MS),
    baseline: baselines.bare,
    body: baselines.body,
    runs,
    connections,
    duration: amount ? null : duration,
    amount,
  };
}

async function benchCollector({ size, kind, load, warmup, sandbox, bare }) {
  const tag = `${kind[0]}${size}`;
  const dbPath = freshDbPath();
  await seedPurchases(dbPath, { count: size, relayStatus: 'delivered', prefix: `hist${tag}` });
  const collector = await startCollectorProcess({
    dbPath,
    onrampBaseUrl: sandbox.url,
    partnerKey: PARTNER_KEY,
    env: INGEST_COLLECTOR_ENV,
  });
  const results = {};
  try {
    await sleep(IDLE_MS);
    results.idleRss = rssOf(collector.pid);
    if (warmup) {
      results.warmup = await load(collector.url, `w${tag}`, {
        kind,
        duration: warmup,
        amount: undefined,
      });
    }
    results.bare = await load(bare.url, `b${tag}`, { pid: bare.pid });
    results.max = await load(collector.url, `m${tag}`, { kind, pid: collector.pid });
    // Half of what this collector just sustained: the latency a provider sees in normal use.
    const rate = Math.max(1, Math.round(results.max.rps / 2));
    results.half = await load(collector.url, `h${tag}`, { kind, overallRate: rate });
    results.halfRate = rate;
    // The machine's own tail at that rate: on a small shared host the load generator and
    // the server share the cores, and this is the p99 nothing behind the route can beat.
    results.bareHalf = await load(bare.url, `bh${tag}`, { overallRate: rate });
    results.peakRss = collector.peakRss();
  } finally {
    await collector.stop();
  }
  const { ids } = readDb(dbPath);
  const sent = [results.warmup, results.max, results.half].filter(Boolean);
  const accepted = sent.flatMap((run) => run.accepted);
  const missing = accepted.filter((id) => !ids.has(id));
  const counted = sent.reduce((sum, run) => sum + run.ok, 0);
  if (missing.length > 0 || counted !== accepted.length) {
    throw new Error(
      `ingest of ${kind} beacons at ${size} rows: ${missing.length} of ${accepted.length} ` +
        `acknowledged beacons missing from the store (the load counted ${counted} 2xx)`,
    );
  }
  return { size, kind, ...results, acknowledged: accepted.length, stored: ids.size - size };
}
