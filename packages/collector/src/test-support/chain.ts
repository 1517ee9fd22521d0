import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { onTestFinished } from 'vitest';
import type { Clock } from '../clock.js';
import { createCollector } from '../collector.js';
import type { RelayConfig } from '../config.js';
import type { Logger } from '../log.js';
import { createSandboxApp } from '../sandbox/app.js';
import { billingOfModels } from '../sandbox/billing-setting.js';
import { DEFAULT_PRODUCT } from '../sandbox/options.js';
import type { RelayStatus } from '../store/types.js';
import { postBeacon } from './beacons.js';
import { testConfig } from './config.js';
import { listen, postJson, waitFor } from './http.js';

/** Bearer tokens of the chain's collector. */
export const CHAIN_TOKENS = { admin: 'chain-admin-token-0123', api: 'chain-api-token-0123' };

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
export async function startChain(
  relay: Partial<RelayConfig> = {},
  env: Record<string, string> = {},
  options: { clock?: Clock } = {},
) {
  // The sandbox knows the collector's provider key, API and clock, read from its config
  // once the onramp's URL (its port) is known.
  let sandboxApp: Express | undefined;
  const serve = (req: IncomingMessage, res: ServerResponse) => sandboxApp?.(req, res);
  let sandbox: Server = createServer(serve);
  await new Promise<void>((resolve) => sandbox.listen(0, '127.0.0.1', resolve));
  const port = (sandbox.address() as AddressInfo).port;
  const onramp = `http://127.0.0.1:${port}`;
  onTestFinished(() => close(sandbox));

  const logger = captureLogger();
  const config = testConfig(
    {
      ONRAMP_BASE_URL: onramp,
      CLM_ADMIN_TOKEN: CHAIN_TOKENS.admin,
      CLM_API_TOKEN: CHAIN_TOKENS.api,
      CLM_SERVICE_NAME: 'acme-crm',
      ...env,
    },
    relay,
  );
  const { providerKey, api, skuBilling } = config.marketplace;
  sandboxApp = createSandboxApp({
    ...(providerKey !== null && { providerKey }),
    api,
    // The marketplace starts each SKU as the collector's CLM_SKU_BILLING says it does.
    product: { ...DEFAULT_PRODUCT, billing: billingOfModels(skuBilling) },
    ...(options.clock && { clock: options.clock }),
  });
  const dbPath = config.dbPath;
  const {
    app,
    worker,
    store,
    close: stop,
  } = await createCollector(config, {
    logger,
    pixelScript: null,
    processMetrics: false,
    ...(options.clock && { clock: options.clock }),
  });
  const url = await listen(app);
  onTestFinished(stop);
  worker.start();

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
          const res = await postBeacon(url, { customerId, time: Date.now() });
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
      sandbox = createServer(serve);
      await new Promise<void>((resolve) => sandbox.listen(port, '127.0.0.1', resolve));
    },
  };
  return { ...chain, config };
}
