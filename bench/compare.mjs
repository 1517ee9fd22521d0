// `node bench/compare.mjs <cli.js> <cli.js> [--rounds N]`: ingest of two collector builds
// (say, main and a branch) against each other and bare Express, alternating runs in one
// session so that the machine's noise hits both alike. Build the older one into its own
// folder first (any dist/cli.js of @clm/collector works).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { INGEST_COLLECTOR_ENV } from './ingest.mjs';
import { cleanupAll, installGuards } from './lib/guard.mjs';
import { loadBeacons } from './lib/load.mjs';
import { startBareExpress, startCollectorProcess } from './lib/processes.mjs';
import { startSandboxServer } from './lib/sandbox.mjs';
import { freshDbPath, PARTNER_KEY, seedPurchases } from './lib/seed.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string', default: '3' } },
});
if (positionals.length !== 2) {
  console.error('usage: node bench/compare.mjs <a/dist/cli.js> <b/dist/cli.js> [--rounds N]');
  process.exit(2);
}
const rounds = Number(values.rounds);
const load = (url, tag, duration) => loadBeacons(url, { tag, connections: 50, duration });
installGuards(30 * 60_000);

async function run(cli, tag) {
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
    await load(collector.url, `w${tag}`, 3);
    return await load(collector.url, tag, 8);
  } finally {
    await collector.stop();
  }
}

const sandbox = await startSandboxServer();
await sandbox.mode({ mode: 'stall' });
try {
  const bare = await startBareExpress();
  await load(bare.url, 'warm', 3);
  const baseline = await load(bare.url, 'bare', 8);
  await bare.stop();
  const totals = [0, 0];
  console.log(`bare Express: ${Math.round(baseline.rps)} req/s`);
  for (let round = 1; round <= rounds; round++) {
    for (const [i, cli] of positionals.entries()) {
      const result = await run(resolve(cli), `r${round}b${i}`);
      totals[i] += result.rps;
      console.log(
        `round ${round} ${i === 0 ? 'A' : 'B'}: ${Math.round(result.rps)} req/s, p99 ${result.p99} ms, ` +
          `${Math.round((result.rps / baseline.rps) * 100)} % of bare`,
      );
    }
  }
  const [a, b] = totals.map((total) => total / rounds);
  console.log(
    `mean A ${Math.round(a)} req/s, B ${Math.round(b)} req/s: B is ${Math.round((b / a) * 100)} % of A`,
  );
} finally {
  await sandbox.close();
  await cleanupAll();
}
process.exit(0);
