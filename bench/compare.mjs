// `node bench/compare.mjs <cli.js> [<cli.js> ...] [--flags='<node flags>' ...] [--rounds N]
// [--kind purchase|visit|both] [--busy]`: ingest of collector builds (say, main and a branch), or of
// one build under several sets of Node flags, against each other and bare Express, in
// rounds that run bare Express and then every variant (their order turned each round), so
// that the machine's drift hits them alike; each figure is also set against the bare run
// of its own round. Build the other version into its own folder first (any dist/cli.js of
// @clm/collector).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { INGEST_COLLECTOR_ENV } from './ingest.mjs';
import { cleanupAll, installGuards } from './lib/guard.mjs';
import { loadQuietly, loadTool } from './lib/load.mjs';
import { rssOf, startBareExpress, startCollectorProcess } from './lib/processes.mjs';
import { startSandboxServer } from './lib/sandbox.mjs';
import { freshDbPath, PARTNER_KEY, seedPurchases } from './lib/seed.mjs';
import { quantile } from './lib/stats.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: 'string', default: '3' },
    kind: { type: 'string', default: 'purchase' },
    duration: { type: 'string', default: '8' },
    flags: { type: 'string', multiple: true, default: [''] },
    // Neither wait for a quiet machine nor run a disturbed run again: when others keep the
    // machine busy for hours, the same-round ratios and the medians carry the noise instead.
    busy: { type: 'boolean', default: false },
  },
});
if (positionals.length === 0) {
  console.error(
    'usage: node bench/compare.mjs <a/dist/cli.js> [<b/dist/cli.js> ...] [--flags="<node flags>" ...] ' +
      '[--rounds N] [--kind purchase|visit|both] [--duration s] [--busy]',
  );
  process.exit(2);
}
const rounds = Number(values.rounds);
const duration = Number(values.duration);
const kinds = values.kind === 'both' ? ['purchase', 'visit'] : [values.kind];
// Every build under every set of flags ('' is Node's defaults), named A, B, C… in this order.
const variants = positionals.flatMap((cli) =>
  values.flags.map((flags) => ({
    cli: resolve(cli),
    nodeArgs: flags.split(/\s+/).filter(Boolean),
  })),
);
variants.forEach((variant, i) => {
  variant.name = String.fromCharCode(65 + i);
});
// How long a fresh collector is left alone before its idle RSS is read (as `pnpm bench`).
const IDLE_MS = 3000;
const MB = 1024 * 1024;
installGuards(3 * 60 * 60_000);

const load = (url, tag, kind, extra = {}) =>
  loadQuietly(url, {
    tag,
    kind,
    connections: 50,
    duration,
    ...(values.busy && { quiet: false }),
    ...extra,
  });

/** One variant under one kind of beacon: idle RSS, full load, half load, peak RSS. */
async function run({ cli, nodeArgs }, tag, kind) {
  const dbPath = freshDbPath();
  await seedPurchases(dbPath, { count: 10_000, relayStatus: 'delivered', prefix: tag });
  const collector = await startCollectorProcess({
    cli,
    nodeArgs,
    dbPath,
    onrampBaseUrl: sandbox.url,
    partnerKey: PARTNER_KEY,
    env: INGEST_COLLECTOR_ENV,
  });
  try {
    await new Promise((done) => setTimeout(done, IDLE_MS));
    const idleRss = rssOf(collector.pid);
    await load(collector.url, `w${tag}`, kind, { duration: 3 });
    const max = await load(collector.url, tag, kind, { pid: collector.pid });
    const rate = Math.max(1, Math.round(max.rps / 2));
    const half = await load(collector.url, `h${tag}`, kind, { overallRate: rate });
    return { ...max, idleRss, halfP99: half.p99, halfRate: half.rps, peakRss: collector.peakRss() };
  } finally {
    await collector.stop();
  }
}

async function bareRound(round) {
  const bare = await startBareExpress();
  try {
    await load(bare.url, `warm${round}`, 'purchase', { duration: 3 });
    return await load(bare.url, `bare${round}`, 'purchase', { pid: bare.pid });
  } finally {
    await bare.stop();
  }
}

const results = new Map();
function record(key, baseline, result) {
  const row = { ...result, ratio: result.rps / baseline.rps };
  results.set(key, [...(results.get(key) ?? []), row]);
  console.log(
    `  ${key}: ${Math.round(result.rps)} req/s, ${Math.round(row.ratio * 100)} % of bare, ` +
      `p99 ${result.p99.toFixed(2)} ms, p99 ${result.halfP99.toFixed(2)} ms at ${Math.round(result.halfRate)}/s, ` +
      `${Math.round(result.cpuUsPerRequest)} µs CPU/request, idle RSS ${(result.idleRss / MB).toFixed(1)} MB, ` +
      `peak RSS ${(result.peakRss / MB).toFixed(1)} MB` +
      (result.disturbed ? ` (${result.disturbed} disturbed run(s) set aside)` : ''),
  );
}

function summary() {
  const median = (rows, pick) => quantile(rows.map(pick), 0.5);
  const flagsOf = (name) => variants.find((v) => v.name === name);
  for (const [key, rows] of results) {
    const variant = flagsOf(key.split(' ')[0]);
    console.log(
      `${key} (${variant.cli}${variant.nodeArgs.length ? ` ${variant.nodeArgs.join(' ')}` : ''}): ` +
        `median ${Math.round(median(rows, (r) => r.ratio) * 100)} % of bare ` +
        `(rounds: ${rows.map((r) => Math.round(r.ratio * 100)).join(', ')}), ` +
        `p99 at half load ${median(rows, (r) => r.halfP99).toFixed(2)} ms ` +
        `(rounds: ${rows.map((r) => r.halfP99.toFixed(1)).join(', ')}), ` +
        `idle RSS ${(median(rows, (r) => r.idleRss) / MB).toFixed(1)} MB, ` +
        `peak RSS ${(median(rows, (r) => r.peakRss) / MB).toFixed(1)} MB`,
    );
  }
}

const sandbox = await startSandboxServer();
await sandbox.mode({ mode: 'stall' });
try {
  console.log(`load: ${loadTool}, 50 connections, ${duration} s per run`);
  for (const variant of variants) {
    console.log(`${variant.name}: ${variant.cli} ${variant.nodeArgs.join(' ')}`.trimEnd());
  }
  for (let round = 1; round <= rounds; round++) {
    const baseline = await bareRound(round);
    console.log(
      `round ${round}: bare Express ${Math.round(baseline.rps)} req/s, ${Math.round(baseline.cpuUsPerRequest)} µs CPU/request`,
    );
    // Turned by one each round, so no variant always runs first or last.
    const order = variants.map((_, i) => variants[(i + round - 1) % variants.length]);
    for (const kind of kinds) {
      for (const variant of order) {
        const tag = `r${round}${kind[0]}${variant.name}`;
        record(`${variant.name} ${kind}`, baseline, await run(variant, tag, kind));
      }
    }
  }
  summary();
} finally {
  await sandbox.close();
  await cleanupAll();
}
process.exit(0);
