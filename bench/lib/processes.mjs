import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Keep only the tail of the output: the collector logs a line per beacon and relay.
  let tail = '';
  const keep = (chunk) => {
    tail = (tail + chunk.toString()).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };
  const unregister = onExit(stop);
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not start:\n${tail}`)),
      START_TIMEOUT_MS,
    );
    const look = () => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(tail);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', look);
      resolve(match[1]);
    };
    child.stdout.on('data', look);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}):\n${tail}`));
    });
  }).catch(async (error) => {
    await stop();
    unregister();
    throw error;
  });
  return {
    url,
    pid: child.pid,
    output: () => tail,
    /** Peak resident memory of the process so far (VmHWM), in bytes. */
    peakRss: () => statusKb(child.pid, 'VmHWM') * 1024,
    async stop() {
      await stop();
      unregister();
      return exited;
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
