// The PostgreSQL bench's servers: its onramps (in this process) and its processes (the
// collector, the bare Express baseline).
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { spawnReady } from '../../../scripts/lib/spawn-ready.mjs';
import { freePort } from '../../../scripts/pg-cluster.mjs';

import {
  ADMIN_TOKEN,
  benchDir,
  children,
  collectorCli,
  HOST,
  onCleanup,
  PARTNER_KEY,
  POOL_SIZE,
  SHOP_ORIGIN,
} from './setup.mjs';

// ---------------------------------------------------------------------------------------
// Servers of this process: an onramp that never answers (ingest) and one that answers 201
// at once and counts what it got (relay drain).

/**
 * Listens on 127.0.0.1 and a random port.
 * @param {import('node:http').Server} server
 */
async function listenLoopback(server) {
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve(undefined));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(() => resolve(undefined)));
  };
  const unregister = onCleanup(close);
  return {
    url: `http://${HOST}:${port}`,
    close: async () => {
      unregister();
      await close();
    },
  };
}

/** An onramp that reads each call and never answers: the relay worker stays waiting. */
export const startStalledOnramp = () =>
  listenLoopback(
    createServer((req) => {
      req.resume();
    }),
  );

/**
 * An onramp answering every `POST /api/SaasTrackings` with 201 at once; counts calls per
 * customerId and the times of the first and last call.
 */
export async function startFastOnramp() {
  /** @type {Map<string, number>} */
  const perCustomer = new Map();
  const counts = { calls: 0, other: 0, first: Number.NaN, last: Number.NaN };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/api/SaasTrackings') {
        counts.other += 1;
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        return;
      }
      const now = performance.now();
      if (Number.isNaN(counts.first)) counts.first = now;
      counts.last = now;
      counts.calls += 1;
      let customerId = '(unreadable body)';
      try {
        customerId = String(JSON.parse(Buffer.concat(chunks).toString('utf8')).customerId);
      } catch {}
      perCustomer.set(customerId, (perCustomer.get(customerId) ?? 0) + 1);
      res
        .writeHead(201, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: counts.calls }));
    });
  });
  const { url, close } = await listenLoopback(server);
  return { url, close, counts, perCustomer };
}

// ---------------------------------------------------------------------------------------
// Processes: the built collector, and the bare Express baseline.

/**
 * @typedef {object} Server
 * @property {string} url
 * @property {number} pid
 * @property {() => string} output The tail of its stdout and stderr.
 * @property {() => Promise<void>} stop SIGTERM (SIGKILL after 15 s); resolves once it exited.
 */

/**
 * Spawns `node <args>` and resolves once it logs `listening on <url>`, or, with a fixed
 * URL (the port was given), once that URL answers `probe` with 2xx.
 * @param {string} name
 * @param {string[]} args
 * @param {Record<string, string>} env
 * @param {{ url?: string, probe?: string, cwd?: string }} where A fixed URL and the path
 *   it answers on; the folder to run in.
 * @returns {Promise<Server>}
 */
async function startProcess(name, args, env, { url: fixedUrl, probe, cwd }) {
  let stop = async () => {};
  const unregister = onCleanup(() => stop());
  const server = await spawnReady(process.execPath, args, {
    name,
    env: { PATH: process.env.PATH ?? '', ...env },
    ...(cwd && { cwd }),
    ...(fixedUrl === undefined
      ? { ready: /listening on (http:\/\/127\.0\.0\.1:\d+)/ }
      : { probe: `${fixedUrl}${probe}` }),
    timeoutMs: 20_000,
    keepChars: 20_000,
    // Remembered for the exit handler, which kills what is left synchronously.
    onSpawn: (child) => {
      children.add(child);
      child.once('exit', () => children.delete(child));
    },
  }).catch((error) => {
    unregister();
    throw error;
  });
  stop = async () => {
    await server.stop();
  };
  return {
    url: fixedUrl ?? /** @type {string} */ (server.match[1]),
    pid: /** @type {number} */ (server.child.pid),
    output: server.output,
    stop: async () => {
      await stop();
      unregister();
    },
  };
}

/**
 * `node packages/collector/dist/cli.js serve` on `db` (a SQLite path or a postgres:// URL),
 * on 127.0.0.1 and a free port, logging warnings only.
 * @param {string} db
 * @param {string} onrampUrl
 * @param {Record<string, string>} [env]
 */
export async function startCollector(db, onrampUrl, env = {}) {
  const port = await freePort();
  return startProcess(
    'collector',
    [collectorCli, 'serve'],
    {
      HOST,
      PORT: String(port),
      ONRAMP_BASE_URL: onrampUrl,
      CLM_PARTNER_KEYS: PARTNER_KEY,
      CLM_ALLOWED_ORIGINS: SHOP_ORIGIN,
      CLM_DB: db,
      CLM_DB_POOL_SIZE: String(POOL_SIZE),
      CLM_ADMIN_TOKEN: ADMIN_TOKEN,
      // The rate limiter's ceiling, far above any run here: it must not be what is measured.
      CLM_RATE_LIMIT_PER_MINUTE: '1000000',
      CLM_LOG_LEVEL: 'warn',
      ...env,
    },
    { url: `http://${HOST}:${port}`, probe: '/healthz' },
  );
}

/**
 * The baseline: Express 5 answering 204 to `POST /beacon` without reading the body, as
 * bench/lib/bare-server.mjs does, but without its 10-minute self-stop (a slow run on a busy
 * host outlasts it). Run from bench/, where `express` resolves.
 */
const BARE_SERVER = `
import express from 'express';
const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.post('/beacon', (_req, res) => {
  res.status(204).end();
});
const server = app.listen(0, '${HOST}', () => {
  console.log('[bare] listening on http://${HOST}:' + server.address().port);
});
const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
`;
export const startBare = () =>
  startProcess('bare express', ['--input-type=module', '-e', BARE_SERVER], {}, { cwd: benchDir });
