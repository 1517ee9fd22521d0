import { readFileSync } from 'node:fs';
import { fmt, pct } from './stats.mjs';

const MB = 1024 * 1024;
const verdict = (met) => (met ? 'met' : '**missed**');

/** Targets of the issue, judged on one run's figures. */
export function judge({ pixel, ingest, relay }) {
  const noise = pixel.baseline.task.iqr;
  const taskDelta = pixel.pixel.task.median - pixel.baseline.task.median;
  const of = (kind) => ingest.runs.filter((run) => run.kind === kind);
  const ratio = (run) => run.max.rps / run.bare.rps;
  return {
    gzip: pixel.size.gzip <= pixel.targetGzip,
    mainThread: taskDelta <= Math.max(noise, 0),
    quiet: pixel.plainView.requests === 0 && pixel.plainView.writes === 0,
    purchaseRatio: of('purchase').every((run) => ratio(run) >= 0.7),
    visitRatio: of('visit').every((run) => ratio(run) >= 0.7),
    halfLoadP99: ingest.runs.every((run) => run.half.p99 < 10),
    relayRate: relay.runs.every((run) => run.rate >= 2000),
    relayRss: relay.runs.every((run) => run.peakRss < 150 * MB),
    // Fresh collectors, before any load (the relay's are read after a drain).
    idleRss: ingest.runs.every((run) => run.idleRss < 80 * MB),
  };
}

/** A difference with its sign: `+1.20 ms`, `-1.21 ms` (never `+-1.21 ms`). */
const signedMs = (value) => `${value >= 0 ? '+' : '−'}${fmt(Math.abs(value), 2)} ms`;

/**
 * What a smoke run checked, for `pnpm test`: the scripts ran end to end and the correctness
 * checks held (they throw otherwise). No figures are judged: the counts are too small.
 */
export function renderSmokeSummary({ pixel, ingest, relay }) {
  const stored = ingest.runs.map(
    (r) => `${fmt(r.acknowledged)} of ${fmt(r.acknowledged)} ${r.kind}`,
  );
  const relayed = relay.runs.map((r) => `${fmt(r.received)} of ${fmt(r.size)}`);
  return [
    '[bench] smoke run passed: every benchmark script ran end to end.',
    `[bench]   pixel: measured in Chromium over ${pixel.loads} loads; a plain page view sent ${pixel.plainView.requests} requests and made ${pixel.plainView.writes} storage writes`,
    `[bench]   ingest (${ingest.tool}): ${stored.join(', ')} acknowledged beacons found in the store`,
    `[bench]   relay: ${relayed.join(', ')} relays delivered, each customer once`,
    '[bench] (tiny counts: no speed target is judged here; `pnpm bench` measures them and writes docs/benchmarks.md)',
  ].join('\n');
}

/** The run as Markdown: machine, tables, verdicts, profile and method. */
export function renderReport({ machine, date, command, smoke, pixel, ingest, profile, relay }) {
  const t = judge({ pixel, ingest, relay });
  const ms = (value) => `${fmt(value, 2)} ms`;
  const mb = (bytes) => `${fmt(bytes / MB)} MB`;
  const lines = [];
  const row = (...cells) => lines.push(`| ${cells.join(' | ')} |`);
  const ratio = (run) => pct(run.max.rps, run.bare.rps);
  const of = (kind) => ingest.runs.filter((run) => run.kind === kind);
  const atRows = (runs, figure) =>
    runs.map((r) => `${figure(r)} at ${fmt(r.size)} rows`).join(', ');
  lines.push(
    '# Benchmarks',
    '',
    smoke
      ? '> Smoke run: tiny counts to keep the scripts working. The figures mean nothing.'
      : '> The last full run of `pnpm bench`. Every ingest figure is set against bare Express 5 measured in the same run on the same machine.',
    '',
    `- Command: \`${command}\``,
    `- Date: ${date}`,
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB RAM, ${machine.platform}, Node ${machine.node}`,
    `- Load generator: ${ingest.tool === 'wrk' ? '`wrk` (one thread, a Lua script for unique bodies)' : 'autocannon (wrk not installed)'}, in a process of its own`,
    '',
    '## Targets',
    '',
  );
  row('Target', 'Figure', 'Result');
  row('---', '---', '---');
  row(`Pixel ≤ ${fmt(pixel.targetGzip)} B gzip`, `${fmt(pixel.size.gzip)} B`, verdict(t.gzip));
  row(
    'Pixel main-thread cost within noise of an empty inline script',
    `${signedMs(pixel.pixel.task.median - pixel.baseline.task.median)} task time (noise: IQR ${ms(pixel.baseline.task.iqr)})`,
    verdict(t.mainThread),
  );
  row(
    'Plain page view: 0 requests, 0 storage writes',
    `${pixel.plainView.requests} requests, ${pixel.plainView.writes} writes`,
    verdict(t.quiet),
  );
  row(
    'Durable ingest of purchase beacons ≥ 70 % of bare Express 5',
    atRows(of('purchase'), ratio),
    verdict(t.purchaseRatio),
  );
  row(
    'Durable ingest of visit beacons ≥ 70 % of bare Express 5',
    atRows(of('visit'), ratio),
    verdict(t.visitRatio),
  );
  row(
    'Ingest p99 < 10 ms at half load',
    `${ingest.runs.map((r) => `${ms(r.half.p99)} (${r.kind}, ${fmt(r.size)} rows)`).join(', ')}; bare Express 5 at the same rates: ${ingest.runs.map((r) => ms(r.bareHalf.p99)).join(', ')}`,
    verdict(t.halfLoadP99),
  );
  row(
    'Relay drain ≥ 2,000 relays/s',
    relay.runs.map((r) => `${fmt(r.rate)}/s for ${fmt(r.size)}`).join(', '),
    verdict(t.relayRate),
  );
  row(
    'Relay peak RSS < 150 MB',
    relay.runs.map((r) => `${mb(r.peakRss)} for ${fmt(r.size)}`).join(', '),
    verdict(t.relayRss),
  );
  row(
    'Idle RSS < 80 MB',
    `${ingest.runs.map((r) => mb(r.idleRss)).join(', ')} (each fresh collector of the ingest runs, 3 s after it listens, before any load); an empty \`node\` in the same run: ${mb(ingest.emptyNodeRss)}`,
    verdict(t.idleRss),
  );

  lines.push('', '## Pixel', '');
  row('`dist/pixel.js`', 'Raw', 'gzip -9', 'brotli -11', 'Budget (gzip)');
  row('---', '---:', '---:', '---:', '---:');
  row(
    'bytes',
    fmt(pixel.size.raw),
    fmt(pixel.size.gzip),
    fmt(pixel.size.brotli),
    `${fmt(pixel.targetGzip)} (${pct(pixel.size.gzip, pixel.targetGzip)})`,
  );
  lines.push('');
  row(
    `Main thread per load (${pixel.loads} loads each)`,
    'ScriptDuration median',
    'TaskDuration median',
    'TaskDuration p25–p75',
  );
  row('---', '---:', '---:', '---:');
  for (const [name, r] of [
    ['Baseline: stub + empty inline script', pixel.baseline],
    ['Stub + pixel tag', pixel.pixel],
  ]) {
    row(name, ms(r.script.median), ms(r.task.median), `${ms(r.task.p25)}–${ms(r.task.p75)}`);
  }
  row(
    'Pixel − baseline',
    ms(pixel.pixel.script.median - pixel.baseline.script.median),
    ms(pixel.pixel.task.median - pixel.baseline.task.median),
    `ratio ${fmt(pixel.pixel.task.median / pixel.baseline.task.median, 2)}`,
  );
  lines.push('');
  row('Page view', 'Requests besides page and script', 'Storage writes');
  row('---', '---:', '---:');
  row('Plain (no referral)', pixel.plainView.requests, pixel.plainView.writes);
  row(
    'Control: arriving with `?clm_ref=` (must be > 0 writes)',
    pixel.referredView.requests,
    pixel.referredView.writes,
  );

  const load = ingest.amount ? `${fmt(ingest.amount)} requests` : `${ingest.duration} s`;
  lines.push(
    '',
    '## Ingest',
    '',
    `${ingest.connections} connections, one request at a time each, ${load} per run. Every beacon has an event id and customer of its own. CPU per request: the server process's user and system time over the requests it answered. "vs bare": against bare Express 5 loaded just before that collector run (its requests/s in brackets); the first two rows were measured first.`,
    '',
  );
  row(
    'Target',
    'Stored rows before',
    'Requests/s',
    'p50',
    'p99',
    'CPU per request',
    'vs bare',
    'p99 at half load',
  );
  row('---', '---:', '---:', '---:', '---:', '---:', '---:', '---:');
  const cpu = (run) => `${fmt(run.cpuUsPerRequest)} µs`;
  const base = ingest.baseline;
  row(
    'Bare Express 5, 204',
    '—',
    fmt(base.rps),
    ms(base.p50),
    ms(base.p99),
    cpu(base),
    '100 %',
    '—',
  );
  const body = ingest.body;
  row(
    'Bare Express 5, body read + `JSON.parse`, 204',
    '—',
    fmt(body.rps),
    ms(body.p50),
    ms(body.p99),
    cpu(body),
    pct(body.rps, base.rps),
    '—',
  );
  for (const r of ingest.runs) {
    row(
      `Collector \`POST /beacon\`, ${r.kind} beacons`,
      fmt(r.size),
      fmt(r.max.rps),
      ms(r.max.p50),
      ms(r.max.p99),
      cpu(r.max),
      `${ratio(r)} (of ${fmt(r.bare.rps)})`,
      `${ms(r.half.p99)} at ${fmt(r.half.rps)}/s (p50 ${ms(r.half.p50)}; bare Express 5 at this rate: p99 ${ms(r.bareHalf.p99)})`,
    );
  }
  const disturbed = [
    base,
    body,
    ...ingest.runs.flatMap((r) => [r.bare, r.max, r.half, r.bareHalf]),
  ].reduce((sum, run) => sum + (run.disturbed ?? 0), 0);
  lines.push(
    '',
    `Acknowledged and found in the store afterwards: ${ingest.runs
      .map(
        (r) => `${fmt(r.acknowledged)} of ${fmt(r.acknowledged)} (${r.kind}, ${fmt(r.size)} rows)`,
      )
      .join(
        ', ',
      )}; non-2xx: ${ingest.runs.map((r) => r.max.non2xx + r.half.non2xx).join(', ')}; socket errors: ${ingest.runs.map((r) => r.max.errors + r.half.errors).join(', ')}.`,
    '',
    `Runs set aside because something else on the machine took more than a quarter of a core meanwhile (each was run again): ${disturbed}.`,
    '',
    `Collector memory: idle RSS ${ingest.runs.map((r) => mb(r.idleRss)).join(', ')}; peak RSS under this load ${ingest.runs.map((r) => mb(r.peakRss)).join(', ')} (in the order of the table).`,
  );

  if (profile) {
    lines.push(
      '',
      '## Profile',
      '',
      `The collector's main thread under ${profile.kind} beacons (\`node --cpu-prof\`, 250 µs sampling, ${fmt(profile.rps)} requests/s while profiled; busy ${pct(profile.busyShare, 1)} of the time). Self time as a share of the busy time, grouped by what it was spent on: \`node bench/profile.mjs\` prints the same for any build.`,
      '',
      renderProfile(profile, { heading: false }),
    );
  }

  lines.push('', '## Relay', '', `Concurrency ${relay.concurrency}.`, '');
  row(
    'Backlog',
    'Drain time',
    'Relays/s',
    'Peak RSS',
    'RSS 3 s after the drain',
    'Received by sandbox',
    'Distinct customers',
  );
  row('---:', '---:', '---:', '---:', '---:', '---:', '---:');
  for (const r of relay.runs) {
    row(
      fmt(r.size),
      `${fmt(r.seconds, 1)} s`,
      fmt(r.rate),
      mb(r.peakRss),
      mb(r.idleRss),
      fmt(r.received),
      fmt(r.distinct),
    );
  }

  const [i0, i1] = [of('purchase')[0], of('purchase').at(-1)];
  if (i0 && i1 && i0 !== i1 && relay.runs.length > 1) {
    const [r0, r1] = [relay.runs[0], relay.runs.at(-1)];
    lines.push(
      '',
      '## Scale of cost',
      '',
      `- Purchase ingest with ${fmt(i1.size)} stored rows vs ${fmt(i0.size)}: ${pct(i1.max.rps, i0.max.rps)} of the throughput, p99 at half load ${ms(i1.half.p99)} vs ${ms(i0.half.p99)}.`,
      `- Relay of a ${fmt(r1.size)} backlog vs ${fmt(r0.size)}: ${pct(r1.rate, r0.rate)} of the rate, peak RSS ${mb(r1.peakRss)} vs ${mb(r0.peakRss)}.`,
    );
  }
  lines.push('', HISTORY.trim(), '', METHOD);
  return `${lines.join('\n')}\n`;
}

/** A profile summary as Markdown tables: groups, then the top functions. */
export function renderProfile(profile, { heading = true } = {}) {
  const lines = [];
  if (heading) {
    lines.push(
      `Main thread under ${profile.kind} beacons: ${fmt(profile.rps)} requests/s while profiled, busy ${pct(profile.busyShare, 1)} of the time. Shares of the busy time.`,
      '',
    );
  }
  lines.push('| Spent on | Share |', '| --- | ---: |');
  for (const group of profile.groups) lines.push(`| ${group.name} | ${pct(group.share, 1)} |`);
  lines.push('', '| Top functions (self time) | Share |', '| --- | ---: |');
  for (const entry of profile.top) {
    lines.push(`| \`${entry.name.replaceAll('|', '\\|')}\` | ${pct(entry.share, 1)} |`);
  }
  return lines.join('\n');
}

const HISTORY = readFileSync(new URL('./history.md', import.meta.url), 'utf8');
const METHOD = `## Method

- **Commands**: \`pnpm bench\` (this page; needs \`apt-get install -y wrk chromium\`),
  \`node bench/profile.mjs [--cli <dist/cli.js>] [--kind purchase|visit]\` (the profile
  tables for any build), \`node bench/compare.mjs <a/dist/cli.js> <b/dist/cli.js> --kind both\`
  (builds against each other and bare Express, in rounds; \`--flags=<node flags>\`, repeated,
  runs each build under each set of Node flags too, with p99 at half load and idle and peak
  RSS per run), \`pnpm bench:smoke\` (seconds,
  tiny counts, correctness only; part of \`pnpm test\`).
- **Pixel size**: \`packages/pixel/scripts/size.mjs\` (the build's own report): raw bytes,
  gzip level 9, brotli quality 11.
- **Pixel main-thread time**: Debian's Chromium, headless, one fresh browser context per
  load (nothing cached). Each load is a page with the documented queue stub and either the
  pixel's \`<script async>\` tag or an empty inline \`<script>\` (the baseline); pixel and
  baseline loads alternate. After \`load\` (and, with the pixel, once it has replaced the
  stub) the CDP \`Performance.getMetrics\` counters \`ScriptDuration\` and \`TaskDuration\`
  give the main-thread time spent on script and on all tasks. "Within noise" means the
  difference of the TaskDuration medians is no larger than the baseline's interquartile range.
- **Requests and storage writes**: on a page view without a referral, every request other
  than the page, \`/pixel.js\` and the favicon is counted, as is every call of
  \`Storage.prototype.setItem\` and every \`document.cookie\` assignment (an init script wraps
  them). The same page opened with \`?clm_ref=\` is the control: it must show writes.
- **Load**: \`wrk -t1 -c50 -d<s>s -s bench/lib/beacons.lua\` in a process of its own (never
  the server's; without wrk, autocannon in a child Node process). The Lua script gives every
  request its own beacon (event id, customer) and sends the event id as \`X-Request-Id\`,
  which the collector echoes, so each 2xx names the beacon it acknowledged. The half-load
  run paces requests in the script (a schedule of evenly spaced slots at half the rate the
  target just sustained); the figure shown is the rate achieved. Bare Express 5 is then
  loaded at the same rates: its p99 is the tail of the machine and the load generator, which
  nothing behind the route can beat.
- **Targets, one after the other, each in its own process** after a warm-up: bare Express 5
  answering 204 to \`POST /beacon\` without reading the body (the baseline every ratio is
  set against, loaded again just before each collector run so that each ratio compares
  runs a minute apart, not ten); bare Express 5 reading the body with \`express.text()\` and parsing it
  with \`JSON.parse\`; then the built collector (\`node packages/collector/dist/cli.js serve\`)
  on a database already holding 10k or 100k purchases, with purchase beacons (an event and
  a relay each) and with visit beacons (an event each). The onramp is the sandbox
  (\`clm-collector sandbox\`, its own process) told to stall, so the relay worker does not
  compete for the CPU; relaying is measured on its own. Afterwards the database is opened
  and each event id that got a 2xx must be in it.
- **A shared machine**: before each run the bench waits (up to two minutes) for the CPU to
  be quiet, and it watches the CPU during the run: when processes other than the server,
  the bench and the load generator took more than a quarter of a core, the run is set
  aside and made again (three tries, the least disturbed kept). The ratios still move by a
  few points between runs; \`bench/compare.mjs\` runs rounds and prints every one.
- **Durability**: the collector answers 204 only after the SQLite transaction holding the
  beacon has committed with \`synchronous = FULL\` in WAL mode (an fsync). Beacons arriving
  together share one transaction (group commit, \`store/group-commit.ts\`).
- **Memory**: idle RSS is the collector's \`VmRSS\` 3 s after it started listening on the
  database it is about to be measured on, before any request; peak RSS is its \`VmHWM\`
  from \`/proc/<pid>/status\` at the end of the run.
- **Relay**: a fresh database seeded (one transaction) with N pending purchases; the
  collector starts with \`CLM_RELAY_CONCURRENCY\` as shown and drains them into the sandbox
  onramp. Relays/s is measured from the sandbox's first to last receipt. Afterwards the
  sandbox must hold exactly N calls for N distinct, seeded customers, and N rows must be
  marked delivered.
- The collector, the load generator and the sandbox share the machine's two cores, as a
  provider's single host would; the figures are for comparison within a run, not absolute
  capacity.
`;
