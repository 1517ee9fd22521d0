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
// This file runs the steps; their parts are in lib/pg/ (plan and cleanup, servers, wrk,
// targets, ingest, relay drain, report), on bench/lib's wrk script (lib/beacons.lua), /proc
// readers (lib/machine.mjs) and number formats (lib/stats.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { describeMachine } from './lib/machine.mjs';
import { fmt } from './lib/pg/cpu.mjs';
import { benchIngest } from './lib/pg/ingest.mjs';
import { benchRelay } from './lib/pg/relay.mjs';
import { renderReport } from './lib/pg/report.mjs';
import {
  builtCli,
  cleanupAll,
  loadCollectorApi,
  plan,
  smoke,
  snapshotCollector,
} from './lib/pg/setup.mjs';
import { startPostgres } from './lib/pg/targets.mjs';

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
  await loadCollectorApi();
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
