import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { createApp } from '../app.js';
import { systemClock } from '../clock.js';
import type { RelayConfig } from '../config.js';
import type { Logger } from '../log.js';
import { createMetrics } from '../metrics/collector-metrics.js';
import { createOnrampClient } from '../onramp/client.js';
import { createRelayWorker } from '../relay/worker.js';
import { createSandboxApp } from '../sandbox/app.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { RelayStatus } from '../store/types.js';
import { listen, postJson, waitFor } from './http.js';
import { tempDir } from './tmp.js';

/** Bearer tokens of the chain's collector. */
export const CHAIN_TOKENS = { admin: 'chain-admin-token-0123', api: 'chain-api-token-0123' };

const fast: RelayConfig = {
  timeoutMs: 300,
  maxAgeMs: 3_600_000,
  concurrency: 4,
  backoffBaseMs: 10,
  backoffMaxMs: 50,
  pollMs: 10,
  shutdownGraceMs: 500,
};

/** A logger that keeps every line, for assertions on what was (not) logged. */
export function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const add = (level: string) => (component: string, message: string) =>
    void lines.push(`[${component}] ${level}${message}`);
  return {
    lines,
    debug: add('debug: '),
    info: add(''),
    warn: add('warn: '),
    error: add('error: '),
  };
}

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

/**
 * The whole relay path in this process: the collector app (real SQLite file, real relay
 * worker and onramp client) in front of the sandbox onramp, which can be taken down and
 * brought back on the same port.
 */
export async function startChain(relay: Partial<RelayConfig> = {}) {
  const sandboxApp = createSandboxApp();
  let sandbox: Server = createServer(sandboxApp);
  await new Promise<void>((resolve) => sandbox.listen(0, '127.0.0.1', resolve));
  const port = (sandbox.address() as AddressInfo).port;
  const onramp = `http://127.0.0.1:${port}`;
  onTestFinished(() => close(sandbox));

  const logger = captureLogger();
  const config = { ...fast, ...relay };
  const dbPath = join(tempDir(), 'c.sqlite');
  const store = await openSqliteStore({ path: dbPath, logger });
  const metrics = createMetrics({ store, clock: systemClock, processMetrics: false });
  const worker = createRelayWorker({
    store,
    onramp: createOnrampClient({ baseUrl: onramp, timeoutMs: config.timeoutMs }),
    clock: systemClock,
    config,
    logger,
    metrics,
  });
  const app = createApp({
    store,
    clock: systemClock,
    logger,
    config: {
      partnerKeys: ['PK-1'],
      allowedOrigins: [],
      adminToken: CHAIN_TOKENS.admin,
      apiToken: CHAIN_TOKENS.api,
      serviceName: 'acme-crm',
    },
    relay: worker,
    metrics,
    pixelScript: null,
  });
  const url = await listen(app);
  onTestFinished(async () => {
    await worker.stop();
    await store.close();
  });
  worker.start();

  let seq = 0;
  const chain = {
    url,
    onramp,
    store,
    dbPath,
    logger,
    /** Posts one purchase beacon per customer; resolves with the HTTP statuses. */
    purchases: (customers: string[]) =>
      Promise.all(
        customers.map(async (customerId) => {
          const res = await fetch(`${url}/beacon`, {
            method: 'POST',
            headers: { 'content-type': 'text/plain' },
            body: JSON.stringify({
              v: 1,
              type: 'purchase',
              id: `evt_chain_${String(++seq).padStart(6, '0')}`,
              key: 'PK-1',
              service: 'acme-crm',
              customerId,
              ref: { id: 'r-1', at: 1 },
              time: Date.now(),
            }),
          });
          return res.status;
        }),
      ),
    mode: async (body: unknown) => {
      const res = await postJson(`${onramp}/_sandbox/mode`, body);
      if (!res.ok) throw new Error(`sandbox mode: ${res.status} ${await res.text()}`);
    },
    received: async () =>
      (
        (await (await fetch(`${onramp}/_sandbox/received`)).json()) as {
          body: { customerId: string };
        }[]
      ).map((call) => call.body.customerId),
    stats: async () =>
      (await (await fetch(`${onramp}/_sandbox/stats`)).json()) as Record<string, number>,
    /** Waits until no relay is pending or in flight; returns the relays. */
    settled: (timeoutMs = 8000) =>
      waitFor(
        async () => {
          const relays = await store.listRelays({ limit: 10_000 });
          const done = relays.every((r) => r.status === 'delivered' || r.status === 'dead');
          return done ? relays : undefined;
        },
        { timeoutMs, message: 'every relay delivered or dead' },
      ),
    count: async (status: RelayStatus) => (await store.countRelays())[status],
    /** Takes the onramp off the network: connections are refused. */
    down: () => close(sandbox),
    /** Brings it back on the same port. */
    up: async () => {
      sandbox = createServer(sandboxApp);
      await new Promise<void>((resolve) => sandbox.listen(port, '127.0.0.1', resolve));
    },
  };
  return chain;
}
