// `node bench/compare.mjs <cli.js> [<cli.js> ...] [--rounds N] [--kind purchase|visit|both]`:
// ingest of collector builds (say, main and a branch) against each other and bare
// Express, in rounds that run bare Express and then every build, so that the machine's
// drift hits them alike; each figure is also set against the bare run of its own round.
// Build the other version into its own folder first (any dist/cli.js of @clm/collector).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { INGEST_COLLECTOR_ENV } from './ingest.mjs';
import { cleanupAll, installGuards } from './lib/guard.mjs';
import { loadQuietly, loadTool } from './lib/load.mjs';
import { startBareExpress, startCollectorProcess } from './lib/processes.mjs';
import { startSandboxServer } from './lib/sandbox.mjs';
import { freshDbPath, PARTNER_KEY, seedPurchases } from './lib/seed.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: 'string', default: '3' },
    kind: { type: 'string', default: 'purchase' },
    duration: { type: 'string', default: '8' },
  },
});
if (positionals.length === 0) {
  console.error(
    'usage: node bench/compare.mjs <a/dist/cli.js> [<b/dist/cli.js> ...] [--rounds N] [--kind purchase|visit|both] [--duration s]',
  );
  process.exit(2);
}
const rounds = Number(values.rounds);
const duration = Number(values.duration);
const kinds = values.kind === 'both' ? ['purchase', 'visit'] : [values.kind];
installGuards(60 * 60_000);

const load = (url, tag, kind, seconds = duration, pid = undefined) =>
  loadQuietly(url, { tag, kind, connections: 50, duration: seconds, pid });

async function run(cli, tag, kind) {
  const dbPath = freshDbPath();
  await seedPurchases(dbPath, { count: 10_000, relayStatus: 'delivered', prefix: tag });
  const collector = await startCollectorProcess({
    cli,
    dbPath,
    onrampBaseUrl: sandbox.url,
    partnerKey: PARTNER_KEY,
    env: INGEST_COLLECTOR_ENV,
  });
  try {
    await load(collector.url, `w${tag}`, kind, 3);
    return await load(collector.url, tag, kind, duration, collector.pid);
  } finally {
    await collector.stop();
  }
}

const sandbox = await startSandboxServer();
await sandbox.mode({ mode: 'stall' });
const ratios = new Map();
try {
  console.log(`load: ${loadTool}, 50 connections, ${duration} s per run`);
  for (let round = 1; round <= rounds; round++) {
    const bare = await startBareExpress();
    await load(bare.url, `warm${round}`, 'purchase', 3);
    const baseline = await load(bare.url, `bare${round}`, 'purchase', duration, bare.pid);
    await bare.stop();
    console.log(
      `round ${round}: bare Express ${Math.round(baseline.rps)} req/s, ${Math.round(baseline.cpuUsPerRequest)} µs CPU/request`,
    );
    for (const kind of kinds) {
      for (const [i, cli] of positionals.entries()) {
        const result = await run(resolve(cli), `r${round}${kind[0]}${i}`, kind);
        const ratio = result.rps / baseline.rps;
        const key = `${String.fromCharCode(65 + i)} ${kind}`;
        ratios.set(key, [...(ratios.get(key) ?? []), ratio]);
        console.log(
          `  ${key}: ${Math.round(result.rps)} req/s, p99 ${result.p99.toFixed(2)} ms, ` +
            `${Math.round(result.cpuUsPerRequest)} µs CPU/request, ${Math.round(ratio * 100)} % of bare` +
            (result.disturbed ? ` (${result.disturbed} disturbed run(s) set aside)` : ''),
        );
      }
    }
  }
  const mean = (list) => list.reduce((sum, v) => sum + v, 0) / list.length;
  for (const [key, list] of ratios) {
    const shown = list.map((r) => `${Math.round(r * 100)}`).join(', ');
    console.log(`${key}: mean ${Math.round(mean(list) * 100)} % of bare (rounds: ${shown})`);
  }
} finally {
  await sandbox.close();
  await cleanupAll();
}
process.exit(0);
