// `node bench/profile.mjs [--cli <dist/cli.js>] [--kind purchase|visit] [--seconds N]`: the
// collector's main thread under ingest load (`node --cpu-prof`, wrk in its own process),
// its self time grouped by what it was spent on, as Markdown. `--cli` profiles another
// build (say, main's, built into its own folder) the same way.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cleanupAll, installGuards } from './lib/guard.mjs';
import { profileIngest } from './lib/profile.mjs';
import { renderProfile } from './lib/report.mjs';
import { startSandboxServer } from './lib/sandbox.mjs';

const { values } = parseArgs({
  options: {
    cli: { type: 'string' },
    kind: { type: 'string', default: 'purchase' },
    seconds: { type: 'string', default: '10' },
  },
});
installGuards(10 * 60_000);
const sandbox = await startSandboxServer();
try {
  await sandbox.mode({ mode: 'stall' });
  const profile = await profileIngest({
    ...(values.cli && { cli: resolve(values.cli) }),
    kind: values.kind,
    seconds: Number(values.seconds),
    sandbox,
  });
  console.log(renderProfile(profile));
} finally {
  await sandbox.close();
  await cleanupAll();
}
process.exit(0);
