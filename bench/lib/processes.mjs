import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnReady } from '../../scripts/lib/spawn-ready.mjs';
import { PARTNER_KEY } from './beacon-body.mjs';
import { onExit } from './guard.mjs';
import { statusKb } from './machine.mjs';

const require = createRequire(import.meta.url);
/** The built collector CLI, as providers run it. */
export const collectorCli = join(
  dirname(require.resolve('@clm/collector/package.json')),
  'dist/cli.js',
);
const bareServer = fileURLToPath(new URL('./bare-server.mjs', import.meta.url));

const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 15_000;

/**
 * Starts `node <script> ...args` and resolves once it logs `listening on <url>`. It listens
 * on 127.0.0.1 and a random port; the bench's guards stop it if the run ends early.
 */
async function startServer(name, script, args, env, nodeArgs = []) {
  // Until it is ready, an early end of the run kills it through this signal.
  const starting = new AbortController();
  let stop = async () => starting.abort();
  const unregister = onExit(() => stop());
  const server = await spawnReady(process.execPath, [...nodeArgs, script, ...args], {
    name,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    signal: starting.signal,
    ready: /listening on (http:\/\/127\.0\.0\.1:\d+)/,
    timeoutMs: START_TIMEOUT_MS,
    stopTimeoutMs: STOP_TIMEOUT_MS,
    // Keep only the tail of the output: the collector logs a line per beacon and relay.
    keepChars: 20_000,
  }).catch((error) => {
    unregister();
    throw error;
  });
  stop = server.stop;
  const pid = server.child.pid;
  return {
    url: server.match[1],
    pid,
    output: server.output,
    /** Peak resident memory of the process so far (VmHWM), in bytes. */
    peakRss: () => statusKb(pid, 'VmHWM') * 1024,
    async stop() {
      const [code] = await server.stop();
      unregister();
      return code;
    },
  };
}

/** Resident memory of a process now (VmRSS), in bytes. */
export const rssOf = (pid) => statusKb(pid, 'VmRSS') * 1024;

/**
 * The collector exactly as `clm-collector serve` runs, on its own database file; `cli` is
 * another build's `dist/cli.js` when comparing builds.
 */
export function startCollectorProcess({
  dbPath,
  onrampBaseUrl,
  partnerKey,
  env = {},
  nodeArgs,
  cli = collectorCli,
}) {
  return startServer(
    'collector',
    cli,
    ['serve'],
    {
      ONRAMP_BASE_URL: onrampBaseUrl,
      CLM_PARTNER_KEYS: partnerKey,
      CLM_DB: dbPath,
      // The rate limiter's ceiling (far above any run here): it must not be what is measured.
      CLM_RATE_LIMIT_PER_MINUTE: '1000000',
      ...env,
    },
    nodeArgs,
  );
}

/**
 * The sandbox onramp (`clm-collector sandbox`), in its own process like the collector. It
 * knows the bench collector's provider key (its single CLM_PARTNER_KEYS entry), given in the
 * environment as the collector's is, so provider calls would be taken as the marketplace
 * takes them.
 */
export const startSandboxProcess = ({ cli = collectorCli, providerKey = PARTNER_KEY } = {}) =>
  startServer('sandbox', cli, ['sandbox', '--port', '0'], { CLM_PROVIDER_KEY: providerKey });

/**
 * The baseline: Express 5 answering 204 to POST /beacon, in its own process; with `body`,
 * after reading the body and parsing it with JSON.parse.
 */
export const startBareExpress = ({ body = false } = {}) =>
  startServer('bare express', bareServer, body ? ['--body'] : [], {});

/**
 * Resident memory of an empty `node` process (it only waits) `afterMs` after it started:
 * the floor under any collector's idle RSS, read in the same run as the collector's.
 */
export async function emptyNodeRss(afterMs) {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)'], {
    stdio: 'ignore',
  });
  const unregister = onExit(async () => child.kill());
  try {
    await new Promise((resolve) => setTimeout(resolve, afterMs));
    return rssOf(child.pid);
  } finally {
    child.kill();
    unregister();
  }
}
