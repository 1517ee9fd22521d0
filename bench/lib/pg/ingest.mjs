// The PostgreSQL bench's ingest measurement.
import { statusKb } from '../machine.mjs';
import { fmt, ms } from './cpu.mjs';
import { startBare, startCollector, startStalledOnramp } from './servers.mjs';
import { plan } from './setup.mjs';
import { freshStore, TARGETS } from './targets.mjs';
import { measured, median, rotate, wrk } from './wrk.mjs';

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
export async function benchIngest(clusters) {
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
