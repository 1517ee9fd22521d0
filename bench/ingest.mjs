import { loadBeacons, SHOP_ORIGIN } from './lib/load.mjs';
import { startBareExpress, startCollectorProcess } from './lib/processes.mjs';
import { startSandboxServer } from './lib/sandbox.mjs';
import { freshDbPath, PARTNER_KEY, readDb, seedPurchases } from './lib/seed.mjs';

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

/**
 * Ingest: the same autocannon load against bare Express and against the collector's
 * POST /beacon on databases already holding each of `sizes` rows, then a run at half the
 * collector's throughput for latency. Checks that every 2xx beacon is in the database.
 */
export async function benchIngest(options) {
  const { sizes, connections, duration, warmup, amount } = options;
  const load = (url, tag, extra = {}) =>
    loadBeacons(url, { tag, connections, duration, amount, ...extra });

  const bare = await startBareExpress();
  let baseline;
  try {
    if (warmup) await load(bare.url, 'warm', { duration: warmup, amount: undefined });
    baseline = await load(bare.url, 'bare');
  } finally {
    await bare.stop();
  }

  // A stalled onramp keeps the relay worker waiting, so the figures are the beacon path's
  // own; relaying is measured on its own below.
  const sandbox = await startSandboxServer();
  await sandbox.mode({ mode: 'stall' });
  const runs = [];
  try {
    for (const size of sizes) {
      const dbPath = freshDbPath();
      await seedPurchases(dbPath, { count: size, relayStatus: 'delivered', prefix: `hist${size}` });
      const collector = await startCollectorProcess({
        dbPath,
        onrampBaseUrl: sandbox.url,
        partnerKey: PARTNER_KEY,
        env: INGEST_COLLECTOR_ENV,
      });
      const results = {};
      try {
        if (warmup) {
          results.warmup = await load(collector.url, `w${size}`, {
            duration: warmup,
            amount: undefined,
          });
        }
        results.max = await load(collector.url, `m${size}`);
        // Half of what this collector just sustained: the latency a provider sees in normal use.
        const rate = Math.max(1, Math.round(results.max.rps / 2));
        results.half = await load(collector.url, `h${size}`, { overallRate: rate });
        results.halfRate = rate;
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
          `ingest at ${size} rows: ${missing.length} of ${accepted.length} acknowledged beacons ` +
            `missing from the store (autocannon counted ${counted} 2xx)`,
        );
      }
      runs.push({ size, ...results, acknowledged: accepted.length, stored: ids.size - size });
    }
  } finally {
    await sandbox.close();
  }
  return { baseline, runs, connections, duration: amount ? null : duration, amount };
}
