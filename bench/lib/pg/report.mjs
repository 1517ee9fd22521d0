// The PostgreSQL bench's report (docs/benchmarks-postgres.md).
import { describeMachine } from '../machine.mjs';
import { fmt, mb, ms, pct } from './cpu.mjs';
import { foreignOf } from './relay.mjs';
import {
  MAX_ATTEMPTS,
  MAX_FOREIGN_CORES,
  POOL_SIZE,
  plan,
  RELAY_CONCURRENCY,
  smoke,
  WRK_THREADS,
} from './setup.mjs';
import { TARGETS } from './targets.mjs';
import { median } from './wrk.mjs';

// ---------------------------------------------------------------------------------------
// Report

/**
 * A Markdown table with its columns padded (as Biome formats them).
 * @param {string[]} head
 * @param {string[][]} rows
 * @param {('l' | 'r')[]} align
 */
function table(head, rows, align) {
  const widths = head.map((cell, i) =>
    Math.max(3, cell.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const pad = (/** @type {string} */ cell, /** @type {number} */ i) =>
    align[i] === 'r' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0);
  const line = (/** @type {string[]} */ cells) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (align[i] === 'r' ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

/**
 * @param {{ machine: ReturnType<typeof describeMachine>, date: string, command: string,
 *   pgVersion: string, pgSettings: Record<string, string>, durableSettings: Record<string, string>,
 *   fsType: string, build: string, wrkVersion: string,
 *   ingest: Record<'bare' | Target['id'], IngestResult>, relay: Record<Target['id'], RelayResult> }} run
 */
export function renderReport(run) {
  const { machine, ingest, relay } = run;
  const { bare, sqlite, pg: pgFast, 'pg-durable': pgDurable } = ingest;
  const rounds = plan.ingestRounds;
  const range = (/** @type {IngestResult} */ r) =>
    rounds > 1 ? `${fmt(r.max.rpsMin)}–${fmt(r.max.rpsMax)}` : '—';
  const ingestRows = [
    ['Bare Express 5, 204', bare],
    ...TARGETS.map((t) => [`Collector on ${t.label}`, ingest[t.id]]),
  ].map(([label, r]) => {
    const result = /** @type {IngestResult} */ (r);
    return [
      /** @type {string} */ (label),
      fmt(result.max.rps),
      range(result),
      ms(result.max.p50),
      ms(result.max.p99),
      pct(result.max.rps / bare.max.rps),
      result === bare ? '—' : pct(result.max.rps / sqlite.max.rps),
      `${ms(result.half.p99)} at ${fmt(result.half.rps)}/s`,
      fmt(result.max.serverCores, 2),
      result.max.postgresCores > 0 ? fmt(result.max.postgresCores, 2) : '—',
    ];
  });
  /** Median over the rounds of a drain figure. */
  const drainMedian = (
    /** @type {Target['id']} */ id,
    /** @type {(drain: Drain) => number} */ pick,
  ) => median(relay[id].rounds.map(pick));
  const relayRate = (/** @type {Target['id']} */ id) => drainMedian(id, (d) => d.rate);
  const relayRows = TARGETS.map((target) => {
    const drains = relay[target.id].rounds;
    const rates = drains.map((d) => d.rate);
    return [
      target.label,
      `${fmt(
        drainMedian(target.id, (d) => d.seedSeconds),
        1,
      )} s`,
      `${fmt(
        drainMedian(target.id, (d) => d.receiptSeconds),
        2,
      )} s`,
      fmt(relayRate(target.id)),
      drains.length > 1 ? `${fmt(Math.min(...rates))}–${fmt(Math.max(...rates))}` : '—',
      target.id === 'sqlite' ? '100 %' : pct(relayRate(target.id) / relayRate('sqlite')),
      `${fmt(
        drainMedian(target.id, (d) => d.untilDrainedSeconds),
        2,
      )} s`,
      mb(Math.max(...drains.map((d) => d.peakRssKb))),
      mb(drainMedian(target.id, (d) => d.idleRssKb)),
      fmt(
        drainMedian(target.id, (d) => d.serverCores),
        2,
      ),
      target.id === 'sqlite'
        ? '—'
        : fmt(
            drainMedian(target.id, (d) => d.postgresCores),
            2,
          ),
    ];
  });
  const ratio = (/** @type {number} */ a, /** @type {number} */ b) => `${fmt(a / b, 2)}×`;
  /** The ratio of two targets' max rates in each round (run minutes apart at most). */
  const perRound = (/** @type {IngestResult} */ a, /** @type {IngestResult} */ b) => {
    if (rounds < 2) return '';
    const ratios = a.rounds.map((run, i) => run.rps / /** @type {LoadResult} */ (b.rounds[i]).rps);
    return ` (per round ${fmt(Math.min(...ratios), 2)}–${fmt(Math.max(...ratios), 2)}×)`;
  };
  const perCore = (/** @type {IngestResult} */ r) =>
    r.max.rps / (r.max.serverCores + r.max.postgresCores);
  const retried = Object.values(ingest).reduce((n, r) => n + r.retried, 0);
  const drainsRetried = TARGETS.reduce((n, t) => n + relay[t.id].retried, 0);
  const foreign = [['bare Express', bare], ...TARGETS.map((t) => [t.label, ingest[t.id]])].map(
    ([label, r]) => `${label} ${fmt(/** @type {IngestResult} */ (r).max.foreignCores, 2)}`,
  );
  const relayForeign = TARGETS.map(
    (t) => `${t.label} ${fmt(Math.max(...relay[t.id].rounds.map(foreignOf)), 2)}`,
  );
  const checks = TARGETS.map((target) => {
    const c = /** @type {NonNullable<IngestResult['check']>} */ (ingest[target.id].check);
    return (
      `- **${target.label}**: ${fmt(c.found)} of ${fmt(c.acknowledged)} acknowledged beacons ` +
      `found by id, over ${c.runs} wrk runs (${fmt(c.stored)} purchases stored in all, ` +
      `${fmt(c.unacknowledgedStored)} of them stored but unanswered when a run's time was up), ` +
      `${fmt(c.relays)} relays queued for them; non-2xx: ${fmt(c.non2xx)}, socket errors and ` +
      `timeouts: ${fmt(c.socketErrors)}.`
    );
  });
  const relayChecks = TARGETS.map((target) => {
    const drains = relay[target.id].all;
    const sum = (/** @type {(drain: Drain) => number} */ pick) =>
      fmt(drains.reduce((n, d) => n + pick(d), 0));
    const statuses = new Map();
    for (const drain of drains)
      for (const [status, n] of Object.entries(drain.check.relays))
        statuses.set(status, (statuses.get(status) ?? 0) + n);
    return (
      `- **${target.label}**, ${drains.length} drain(s) of ${fmt(plan.backlog)}: ` +
      `${sum((d) => d.check.calls)} calls for ${sum((d) => d.check.distinct)} distinct ` +
      `customers, ${sum((d) => d.check.missing)} seeded customers missing, ` +
      `${sum((d) => d.check.twice)} received twice or more, ${sum((d) => d.check.otherCalls)} ` +
      `calls to other endpoints; the stores afterwards: ` +
      `${[...statuses].map(([status, n]) => `${fmt(n)} ${status}`).join(', ')}.`
    );
  });
  const s = run.pgSettings;
  const d = run.durableSettings;
  const roundsText =
    rounds > 1
      ? `${rounds} rounds of max-rate runs, the targets' order rotated each round; each figure is the median over the rounds`
      : 'one max-rate run each';
  const drainText =
    plan.drainRounds > 1
      ? `${plan.drainRounds} drains per store, the order rotated each round; each figure is the median (peak RSS: the highest)`
      : 'one drain per store';
  return `# Benchmarks: PostgreSQL beside SQLite

> ${smoke ? 'A smoke run (tiny counts, figures of no weight)' : 'The last full run'} of \`${run.command}\`. The collector on SQLite, on PostgreSQL as the
> throwaway test cluster runs it (fsync off) and on PostgreSQL with durable settings, and a
> bare Express 5 baseline, all in the same run on the same machine.

- Command: \`${run.command}\`
- Date: ${run.date}
- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB RAM, ${machine.platform}, Node ${machine.node}
- PostgreSQL ${run.pgVersion}: two throwaway clusters from \`scripts/pg-cluster.mjs\` side by side, one as it comes, one switched to durable settings; on the same machine and disk as the SQLite files (${run.fsType}); \`shared_buffers\` ${fmt((Number(s.shared_buffers) * 8) / 1024)} MB (the default); the collector's default pool of ${POOL_SIZE} connections
- Collector: \`packages/collector/dist\`, ${run.build}
- Load: ${run.wrkVersion}, ${WRK_THREADS} thread, ${plan.connections} connections, ${plan.duration} s per measured run, ${roundsText}

## Ingest

\`POST /beacon\` with a unique purchase beacon per request (each queues a SaasTracking relay), after a ${plan.warmup} s warm-up per target. The onramp never answers, so relaying does not compete.

${table(
  [
    'Target',
    'Requests/s',
    'Range',
    'p50',
    'p99',
    'vs bare',
    'vs SQLite',
    'p99 at half load',
    'Server cores',
    'PostgreSQL cores',
  ],
  ingestRows,
  ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
)}

Ratios, same run:

- PostgreSQL, fsync off, vs SQLite: ${ratio(pgFast.max.rps, sqlite.max.rps)} the requests/s${perRound(pgFast, sqlite)}, p99 ${ratio(pgFast.max.p99, sqlite.max.p99)}.
- PostgreSQL, fsync on, vs SQLite: ${ratio(pgDurable.max.rps, sqlite.max.rps)} the requests/s${perRound(pgDurable, sqlite)}, p99 ${ratio(pgDurable.max.p99, sqlite.max.p99)}.
- PostgreSQL, fsync on vs off: ${ratio(pgDurable.max.rps, pgFast.max.rps)} the requests/s${perRound(pgDurable, pgFast)}.
- Each vs bare Express: SQLite ${pct(sqlite.max.rps / bare.max.rps)}, PostgreSQL fsync off ${pct(pgFast.max.rps / bare.max.rps)}, fsync on ${pct(pgDurable.max.rps / bare.max.rps)} of its requests/s.
- p99 at half load (each target at half its own median max rate, so the rates differ: ${['bare', ...TARGETS.map((t) => t.id)].map((id) => `${fmt(ingest[/** @type {'bare' | Target['id']} */ (id)].halfRate)}/s`).join(', ')}): PostgreSQL vs SQLite ${ratio(pgFast.half.p99, sqlite.half.p99)} with fsync off, ${ratio(pgDurable.half.p99, sqlite.half.p99)} with fsync on.

Collector peak RSS over the ingest runs: ${TARGETS.map((t) => `${t.label} ${mb(ingest[t.id].peakRssKb)}`).join('; ')}.

## Relay drain

${fmt(plan.backlog)} pending SaasTracking relays queued before the collector starts, drained into a local onramp answering 201 at once, relay concurrency ${RELAY_CONCURRENCY}; ${drainText}.

${table(
  [
    'Store',
    'Seeding',
    'First to last call',
    'Relays/s',
    'Range',
    'vs SQLite',
    'Until 0 pending',
    'Peak RSS',
    'Idle RSS after',
    'Server cores',
    'PostgreSQL cores',
  ],
  relayRows,
  ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
)}

- PostgreSQL vs SQLite: ${ratio(relayRate('pg'), relayRate('sqlite'))} the relays/s with fsync off, ${ratio(relayRate('pg-durable'), relayRate('sqlite'))} with fsync on.

## Checks

Every acknowledged beacon is in the store: wrk's script sends each beacon's id as \`X-Request-Id\`, the collector echoes it, and the ids of all 2xx answers (warm-up, max-rate and half-load runs${retried > 0 ? ', and the runs set aside as disturbed' : ''}) are looked up in the \`events\` table once the collector has stopped. The number of ids listed must equal wrk's own count of 2xx answers, and each stored purchase must have its relay.

${checks.join('\n')}

Every relay delivered exactly once: the onramp counts calls per \`customerId\`; each seeded customer must arrive exactly once, and the store must then hold every relay as delivered${drainsRetried > 0 ? ' (drains set aside as disturbed were checked too)' : ''}.

${relayChecks.join('\n')}

## What limits PostgreSQL here

- **Durability.** \`scripts/pg-cluster.mjs\` starts its clusters with \`fsync\`, \`synchronous_commit\` and \`full_page_writes\` off: a commit there never waits for the disk, while the collector's SQLite store commits with \`synchronous = FULL\` (an fsync per group commit). That flatters PostgreSQL, so the second cluster was switched to \`fsync\`, \`synchronous_commit\` and \`full_page_writes\` on (\`ALTER SYSTEM\`, reload, checked in \`pg_settings\`: ${['fsync', 'synchronous_commit', 'full_page_writes'].map((k) => `${k} ${d[k]}`).join(', ')}, \`wal_sync_method\` ${d.wal_sync_method}). Only the fsync-on rows compare like with like.
- **Batches on both stores, and what is left.** The SQLite store commits every beacon parsed in the same event-loop turn in one transaction (\`store/group-commit.ts\`). The PostgreSQL store writes the beacons that arrive while earlier ones are being written in one statement (the events, and the relays of those that were new: one round trip and one commit for the batch, \`store/postgres/ingest-batch.ts\`), at most ${Math.floor(POOL_SIZE / 2)} batches at once with the default pool of ${POOL_SIZE}; deliveries are batched the same way during a drain. What is left is a round trip per batch to another process, and that process's CPU. Per core used by the collector and the database together, that is ${fmt(perCore(sqlite))} beacons/s on SQLite against ${fmt(perCore(pgFast))} (fsync off) and ${fmt(perCore(pgDurable))} (fsync on) on PostgreSQL. Seeding the backlog: ${fmt(plan.backlog)} \`recordEvent\` calls, 200 at a time, took ${fmt(
    drainMedian('sqlite', (x) => x.seedSeconds),
    1,
  )} s on SQLite and ${fmt(
    drainMedian('pg', (x) => x.seedSeconds),
    1,
  )} s / ${fmt(
    drainMedian('pg-durable', (x) => x.seedSeconds),
    1,
  )} s on PostgreSQL.
- **One machine, ${machine.cores} cores.** The collector (one Node thread for requests), PostgreSQL's backends, wrk and, during the drain, the onramp (in the bench process) share the same cores; a PostgreSQL commit is a round trip to other processes through the loopback, CPU that SQLite, inside the collector's process, does not spend. In the max-rate runs the collector used ${fmt(sqlite.max.serverCores, 2)} cores on SQLite; on PostgreSQL the collector and the server used ${fmt(pgFast.max.serverCores, 2)} + ${fmt(pgFast.max.postgresCores, 2)} cores with fsync off and ${fmt(pgDurable.max.serverCores, 2)} + ${fmt(pgDurable.max.postgresCores, 2)} with fsync on, wrk the rest. A PostgreSQL server on a machine of its own would leave the collector its cores but add a network round trip to each batch.
- **An untuned throwaway cluster.** Defaults besides the settings above (\`shared_buffers\`, \`work_mem\`, checkpoints; \`max_connections\` ${s.max_connections} from pg-cluster.mjs), a fresh database per use, small tables: these figures say nothing about a large or long-lived database.
- **Other jobs on the host.** The machine is shared. Each measured run waited for it to be quiet and was done again (${MAX_ATTEMPTS} attempts at most, keeping the least disturbed) when more than ${MAX_FOREIGN_CORES} of a core went to other work meanwhile; so was each drain, on a fresh backlog.${retried + drainsRetried > 0 ? ` This time ${retried} load run(s) and ${drainsRetried} drain(s) were set aside.` : ''} Most cores taken by other work during a kept max-rate run: ${foreign.join(', ')}; during a kept drain: ${relayForeign.join(', ')}.

## Method

- **Ingest**: bare Express and the three collectors are all started first (each collector on a fresh store), then loaded one at a time: a ${plan.warmup} s warm-up each; ${rounds > 1 ? `${rounds} rounds of ${plan.duration} s max-rate runs, the targets' order rotated each round (the tables show medians)` : `one ${plan.duration} s max-rate run each`}, as fast as ${plan.connections} connections go (one request at a time each); then ${plan.duration} s each at half its median max rate (wrk's script schedules the requests; wrk 4 measures latency from when a request is written, so the half-load p99 leaves out any wait for a slot). "Range" is the lowest and highest max rate over the rounds. The collector runs as \`clm-collector serve\` does (\`dist/cli.js serve\`), \`CLM_LOG_LEVEL=warn\`, the rate limit at 1,000,000/min, one stalled onramp call at a time. The bare baseline is Express 5 answering 204 without reading the body, as \`bench/lib/bare-server.mjs\` does (inlined here, without that file's 10-minute self-stop). Server cores: the server process's CPU time over the run; PostgreSQL cores: the postmaster's and all its processes'.
- **Relay drain**: the backlog is queued through the collector's own store API (\`openStore\`, then \`recordEvent(event, relay)\` with the SaasTracking relay a purchase beacon queues) into a fresh SQLite file or PostgreSQL database, then the collector starts with \`CLM_RELAY_CONCURRENCY=${RELAY_CONCURRENCY}\`. "First to last call" is the time between the onramp's first and last receipt, and relays/s is (backlog − 1) over it, as in \`bench/relay.mjs\`; "until 0 pending" runs from the collector answering \`/healthz\` until \`/metrics\` shows \`clm_relays_pending 0\` (polled every 100 ms, so it includes marking the last calls delivered). Peak RSS is the collector's \`VmHWM\`, idle RSS its \`VmRSS\` ${fmt(plan.idleMs / 1000)} s after the drain.
- **Isolation**: everything listens on 127.0.0.1 only; wrk, the collectors and the bare server are processes of their own; the PostgreSQL clusters, collectors, servers and temporary files are removed when the run ends, however it ends.
`;
}
