import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onExit } from './guard.mjs';
import { INGEST_COLLECTOR_ENV, loadQuietly } from './load.mjs';
import { startCollectorProcess } from './processes.mjs';
import { freshDbPath, PARTNER_KEY, seedPurchases } from './seed.mjs';

// What a sample's time is for, judged on its whole stack (most specific first): the work
// these libraries and modules do is theirs, whatever called them.
const FOR = [
  ['logging', /\/pino\/|sonic-boom|\/log\.js|request-log/],
  ['metrics', /prom-client|\/metrics\//],
  ['sqlite (statements, commit, fsync)', /better-sqlite3|\/store\//],
];
// Else who spent it, from the leaf up.
const BY = [
  ['zod/validation', /\/zod\/|beacon-check|beacon-schema|referral-schema|tracking\/text/],
  ['rate limit', /express-rate-limit|client-limit/],
  [
    'express/middleware',
    /\/(express|router|body-parser|raw-body|type-is|content-type|iconv-lite|on-finished|finalhandler|parseurl|path-to-regexp|proxy-addr|forwarded|vary|send|qs|helmet)\/|route-ahead/,
  ],
  ['collector (intake, routing)', /collector\/dist\//],
  ['node http, sockets, streams', /^node:/],
];

function classify(stack) {
  const leaf = stack[0];
  if (leaf.functionName === '(idle)') return 'idle';
  if (leaf.functionName === '(garbage collector)') return 'GC';
  if (leaf.functionName === '(program)') return 'native, unattributed';
  for (const [name, pattern] of FOR)
    if (stack.some((frame) => pattern.test(frame.url))) return name;
  if (leaf.url === '' && (leaf.functionName === 'parse' || leaf.functionName === 'stringify'))
    return 'JSON';
  for (const frame of stack)
    for (const [name, pattern] of BY) if (pattern.test(frame.url)) return name;
  return 'other';
}

const label = ({ functionName, url, lineNumber }) => {
  const where = url
    .replace(/^file:\/\/.*?\/node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, '')
    .replace(/^file:\/\/.*?\/dist\//, 'collector/');
  return where ? `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}` : functionName;
};

/**
 * Self time of a `.cpuprofile` grouped by what it was spent on (express/middleware,
 * zod/validation, JSON, sqlite, logging, metrics, …) and its top functions, as shares of
 * the time the main thread was not idle.
 */
export function summarizeProfile(profile, top = 12) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parents.set(child, node.id);
  const self = new Map();
  // A sample stands for the time until the next one (as DevTools counts it).
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  });
  const groups = new Map();
  const functions = new Map();
  let busy = 0;
  let idle = 0;
  for (const [id, time] of self) {
    const stack = [];
    for (let at = id; at !== undefined; at = parents.get(at)) stack.push(nodes.get(at).callFrame);
    const group = classify(stack);
    if (group === 'idle') {
      idle += time;
      continue;
    }
    busy += time;
    groups.set(group, (groups.get(group) ?? 0) + time);
    const name = label(stack[0]);
    functions.set(name, (functions.get(name) ?? 0) + time);
  }
  const shares = (map, count) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, time]) => ({ name, share: time / busy }));
  return {
    busyShare: busy / (busy + idle),
    groups: shares(groups, Number.POSITIVE_INFINITY),
    top: shares(functions, top),
  };
}

/**
 * Profiles a collector (`cli`, default this build) under ingest load: `node --cpu-prof` on
 * the collector, `kind` beacons from wrk for `seconds`, on a database of 10,000 purchases.
 */
export async function profileIngest({ cli, kind = 'purchase', seconds = 10, sandbox }) {
  const dir = mkdtempSync(join(tmpdir(), 'clm-bench-prof-'));
  onExit(async () => rmSync(dir, { recursive: true, force: true }));
  const dbPath = freshDbPath();
  await seedPurchases(dbPath, { count: 10_000, relayStatus: 'delivered', prefix: `prof${kind}` });
  const collector = await startCollectorProcess({
    ...(cli && { cli }),
    dbPath,
    onrampBaseUrl: sandbox.url,
    partnerKey: PARTNER_KEY,
    env: INGEST_COLLECTOR_ENV,
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=250'],
  });
  let run;
  try {
    await loadQuietly(collector.url, { tag: `pw${kind}`, kind, connections: 50, duration: 2 });
    run = await loadQuietly(collector.url, {
      tag: `p${kind}`,
      kind,
      connections: 50,
      duration: seconds,
    });
  } finally {
    // The profile is written when the process exits (SIGTERM: a clean shutdown).
    await collector.stop();
  }
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error('the collector wrote no CPU profile');
  return {
    kind,
    rps: run.rps,
    ...summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8'))),
  };
}
