// `pnpm bench` (full, writes docs/benchmarks.md) and `pnpm bench:smoke` (seconds, tiny
// counts, no speed assertions, but still checks that every 2xx was stored and every relay
// delivered exactly once).
import { existsSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { benchIngest } from './ingest.mjs';
import { cleanupAll, installGuards } from './lib/guard.mjs';
import { describeMachine } from './lib/machine.mjs';
import { collectorCli } from './lib/processes.mjs';
import { profileIngest } from './lib/profile.mjs';
import { renderReport, renderSmokeSummary } from './lib/report.mjs';
import { startSandboxServer } from './lib/sandbox.mjs';
import { benchPixel } from './pixel.mjs';
import { benchRelay } from './relay.mjs';

const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false } } });
const smoke = values.smoke;
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const plan = smoke
  ? {
      limitMs: 90_000,
      pixel: { loads: 2 },
      // A smoke run is part of the test suite: it waits for no quiet machine.
      // wrk stops sending at `amount` answers but runs for `duration` regardless.
      ingest: { sizes: [100], connections: 4, amount: 200, duration: 1, warmup: 0, quiet: false },
      relay: { sizes: [200], concurrency: 8, timeLimitMs: 30_000 },
    }
  : {
      limitMs: 25 * 60_000,
      pixel: { loads: 30 },
      ingest: { sizes: [10_000, 100_000], connections: 50, duration: 10, warmup: 3 },
      profile: { kind: 'purchase', seconds: 10 },
      relay: { sizes: [10_000, 100_000], concurrency: 64, timeLimitMs: 180_000 },
    };

const step = async (name, work) => {
  const started = Date.now();
  console.log(`[bench] ${name}…`);
  const result = await work();
  console.log(`[bench] ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
};

async function main() {
  if (!existsSync(collectorCli)) throw new Error('build first: pnpm build');
  installGuards(plan.limitMs);
  const pixel = await step('pixel', () => benchPixel({ ...plan.pixel, chromiumPath }));
  const ingest = await step('ingest', () => benchIngest(plan.ingest));
  const profile = plan.profile && (await step('profile', () => profileWithSandbox(plan.profile)));
  const relay = await step('relay', () => benchRelay(plan.relay));
  // Figures from tiny counts mean nothing, so a smoke run judges no target: it only says
  // what it checked. The targets and their verdicts belong to `pnpm bench` and its report.
  if (smoke) {
    console.log(renderSmokeSummary({ pixel, ingest, relay }));
    return;
  }
  const report = renderReport({
    machine: describeMachine(),
    date: new Date().toISOString(),
    command: 'pnpm bench',
    smoke,
    pixel,
    ingest,
    profile,
    relay,
  });
  console.log(`\n${report}`);
  const out = new URL('../docs/benchmarks.md', import.meta.url);
  writeFileSync(out, report);
  console.log(`[bench] wrote ${out.pathname}`);
}

async function profileWithSandbox(options) {
  const sandbox = await startSandboxServer();
  try {
    await sandbox.mode({ mode: 'stall' });
    return await profileIngest({ ...options, sandbox });
  } finally {
    await sandbox.close();
  }
}

try {
  await main();
} catch (error) {
  console.error(`[bench] failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanupAll();
}
