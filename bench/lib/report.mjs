import { fmt, pct } from './stats.mjs';

const MB = 1024 * 1024;
const verdict = (met) => (met ? 'met' : '**missed**');

/** Targets of the issue, judged on one run's figures. */
export function judge({ pixel, ingest, relay }) {
  const noise = pixel.baseline.task.iqr;
  const taskDelta = pixel.pixel.task.median - pixel.baseline.task.median;
  return {
    gzip: pixel.size.gzip <= pixel.targetGzip,
    mainThread: taskDelta <= Math.max(noise, 0),
    quiet: pixel.plainView.requests === 0 && pixel.plainView.writes === 0,
    ingestRatio: ingest.runs.every((run) => run.max.rps / ingest.baseline.rps >= 0.7),
    halfLoadP99: ingest.runs.every((run) => run.half.p99 < 10),
    relayRate: relay.runs.every((run) => run.rate >= 2000),
    relayRss: relay.runs.every((run) => run.peakRss < 200 * MB),
  };
}

/** A difference with its sign: `+1.20 ms`, `-1.21 ms` (never `+-1.21 ms`). */
const signedMs = (value) => `${value >= 0 ? '+' : '−'}${fmt(Math.abs(value), 2)} ms`;

/**
 * What a smoke run checked, for `pnpm test`: the scripts ran end to end and the correctness
 * checks held (they throw otherwise). No figures are judged: the counts are too small.
 */
export function renderSmokeSummary({ pixel, ingest, relay }) {
  const stored = ingest.runs.map((r) => `${fmt(r.acknowledged)} of ${fmt(r.acknowledged)}`);
  const relayed = relay.runs.map((r) => `${fmt(r.received)} of ${fmt(r.size)}`);
  return [
    '[bench] smoke run passed: every benchmark script ran end to end.',
    `[bench]   pixel: measured in Chromium over ${pixel.loads} loads; a plain page view sent ${pixel.plainView.requests} requests and made ${pixel.plainView.writes} storage writes`,
    `[bench]   ingest: ${stored.join(', ')} acknowledged beacons found in the store`,
    `[bench]   relay: ${relayed.join(', ')} relays delivered, each customer once`,
    '[bench] (tiny counts: no speed target is judged here; `pnpm bench` measures them and writes docs/benchmarks.md)',
  ].join('\n');
}

/** The run as Markdown: machine, tables, verdicts and method. */
export function renderReport({ machine, date, command, smoke, pixel, ingest, relay }) {
  const t = judge({ pixel, ingest, relay });
  const ms = (value) => `${fmt(value, 2)} ms`;
  const lines = [];
  const row = (...cells) => lines.push(`| ${cells.join(' | ')} |`);
  lines.push(
    '# Benchmarks',
    '',
    smoke
      ? '> Smoke run: tiny counts to keep the scripts working. The figures mean nothing.'
      : '> The last full run of `pnpm bench`. Every figure is set against a baseline measured in the same run on the same machine.',
    '',
    `- Command: \`${command}\``,
    `- Date: ${date}`,
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB RAM, ${machine.platform}, Node ${machine.node}`,
    '',
    '## Targets',
    '',
  );
  row('Target', 'Figure', 'Result');
  row('---', '---', '---');
  row('Pixel ≤ 1,024 B gzip', `${fmt(pixel.size.gzip)} B`, verdict(t.gzip));
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
    'Ingest ≥ 70 % of bare Express',
    ingest.runs
      .map((r) => `${pct(r.max.rps, ingest.baseline.rps)} at ${fmt(r.size)} rows`)
      .join(', '),
    verdict(t.ingestRatio),
  );
  row(
    'Ingest p99 < 10 ms at half load',
    ingest.runs.map((r) => `${ms(r.half.p99)} at ${fmt(r.size)} rows`).join(', '),
    verdict(t.halfLoadP99),
  );
  row(
    'Relay drain ≥ 2,000 relays/s',
    relay.runs.map((r) => `${fmt(r.rate)}/s for ${fmt(r.size)}`).join(', '),
    verdict(t.relayRate),
  );
  row(
    'Relay RSS < 200 MB',
    relay.runs.map((r) => `${fmt(r.peakRss / MB)} MB for ${fmt(r.size)}`).join(', '),
    verdict(t.relayRss),
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
  lines.push('', '## Ingest', '', `${ingest.connections} connections, ${load} per run.`, '');
  row('Target', 'Stored rows before', 'Requests/s', 'p50', 'p99', 'vs bare', 'p99 at half load');
  row('---', '---:', '---:', '---:', '---:', '---:', '---:');
  row(
    'Bare Express 5, 204',
    '—',
    fmt(ingest.baseline.rps),
    ms(ingest.baseline.p50),
    ms(ingest.baseline.p99),
    '100 %',
    '—',
  );
  for (const r of ingest.runs) {
    row(
      'Collector `POST /beacon`',
      fmt(r.size),
      fmt(r.max.rps),
      ms(r.max.p50),
      ms(r.max.p99),
      pct(r.max.rps, ingest.baseline.rps),
      `${ms(r.half.p99)} at ${fmt(r.halfRate)}/s (p50 ${ms(r.half.p50)})`,
    );
  }
  lines.push(
    '',
    `Acknowledged and found in the store afterwards: ${ingest.runs
      .map((r) => `${fmt(r.acknowledged)} of ${fmt(r.acknowledged)} (${fmt(r.size)}-row run)`)
      .join(
        ', ',
      )}; non-2xx: ${ingest.runs.map((r) => r.max.non2xx + r.half.non2xx).join(', ')}; socket errors: ${ingest.runs.map((r) => r.max.errors + r.half.errors).join(', ')}.`,
  );

  lines.push('', '## Relay', '', `Concurrency ${relay.concurrency}.`, '');
  row('Backlog', 'Drain time', 'Relays/s', 'Peak RSS', 'Received by sandbox', 'Distinct customers');
  row('---:', '---:', '---:', '---:', '---:', '---:');
  for (const r of relay.runs) {
    row(
      fmt(r.size),
      `${fmt(r.seconds, 1)} s`,
      fmt(r.rate),
      `${fmt(r.peakRss / MB)} MB`,
      fmt(r.received),
      fmt(r.distinct),
    );
  }

  if (ingest.runs.length > 1 && relay.runs.length > 1) {
    const [i0, i1] = [ingest.runs[0], ingest.runs.at(-1)];
    const [r0, r1] = [relay.runs[0], relay.runs.at(-1)];
    lines.push(
      '',
      '## Scale of cost',
      '',
      `- Ingest with ${fmt(i1.size)} stored rows vs ${fmt(i0.size)}: ${pct(i1.max.rps, i0.max.rps)} of the throughput, p99 at half load ${ms(i1.half.p99)} vs ${ms(i0.half.p99)}.`,
      `- Relay of a ${fmt(r1.size)} backlog vs ${fmt(r0.size)}: ${pct(r1.rate, r0.rate)} of the rate, peak RSS ${fmt(r1.peakRss / MB)} MB vs ${fmt(r0.peakRss / MB)} MB.`,
    );
  }
  lines.push('', METHOD);
  return `${lines.join('\n')}\n`;
}

const METHOD = `## Method

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
- **Ingest**: autocannon in the bench process, one request at a time per connection, the same
  connections and duration for every target, each after a warm-up. Targets run one after the
  other as separate processes on the same machine: bare Express 5 answering 204 to
  \`POST /beacon\` without reading the body, then the built collector
  (\`node packages/collector/dist/cli.js serve\`) on a database already holding 10k or 100k
  purchases. Every beacon is a valid purchase with its own event id and customer, so every
  one inserts an event and queues a relay. The onramp is a sandbox told to stall, so the
  relay worker does not compete for the CPU; relaying is measured on its own. The half-load
  run uses autocannon's \`overallRate\` at half the requests/s the collector just sustained.
  Afterwards the database is opened and each event id that got a 2xx must be in it.
- **Durability**: the collector answers 204 only after the SQLite transaction holding the
  beacon has committed with \`synchronous = FULL\` in WAL mode (an fsync). Beacons arriving
  together share one transaction (group commit, \`store/group-commit.ts\`).
- **Relay**: a fresh database seeded (one transaction) with N pending purchases; the
  collector starts with \`CLM_RELAY_CONCURRENCY\` as shown and drains them into the sandbox
  onramp in the bench process. Relays/s is measured from the sandbox's first to last receipt;
  peak RSS is the collector process's \`VmHWM\` from \`/proc/<pid>/status\`. Afterwards the
  sandbox must hold exactly N calls for N distinct, seeded customers, and N rows must be
  marked delivered.
- Both processes share the machine's cores with the load generator, as a provider's single
  host would; the figures are for comparison within a run, not absolute capacity.
`;
