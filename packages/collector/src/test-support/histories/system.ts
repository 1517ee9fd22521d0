import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Collector, createCollector } from '../../collector.js';
import { loadConfig } from '../../config.js';
import { silentLogger } from '../../log.js';
import { createSandboxApp } from '../../sandbox/app.js';
import { startWire } from './wire.js';

/** The collector's tokens in a history. */
export const TOKENS = {
  admin: 'history-admin-token-0123',
  api: 'history-api-token-0123',
  provision: 'history-provision-token-0123',
};

/** A clock that stands still until the history moves it. */
export function frozenClock(start: number) {
  const clock = { time: start, now: () => clock.time };
  return clock;
}

const serve = (handler: Parameters<typeof createServer>[1]) =>
  new Promise<Server>((resolve) => {
    const server = createServer(handler);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });

const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const shut = (server: Server) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

/**
 * The real thing in this process: the sandbox marketplace, the wire to it, a provider
 * account endpoint, and the collector from its composition root over a SQLite file that
 * outlives it, so a restart is a close and a reopen on the same file.
 */
export async function startSystem(start: number) {
  const clock = frozenClock(start);
  const dir = mkdtempSync(join(tmpdir(), 'clm-history-'));
  // The strict marketplace: it knows the provider's key and the orders it sold, and keeps
  // its books on the history's clock.
  const sandbox = await serve(createSandboxApp({ clock, providerKey: 'PK-1' }));
  const marketplace = urlOf(sandbox);
  const wire = await startWire(marketplace, clock);
  // The provider's account endpoint: every order gets the next customer number.
  let customers = 0;
  const provider = await serve((req, res) => {
    req.resume();
    req.on('end', () => {
      const body = JSON.stringify({ customerId: 1000 + customers++ });
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
  });
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    ONRAMP_BASE_URL: wire.url,
    CLM_PARTNER_KEYS: 'PK-1',
    CLM_DB: join(dir, 'collector.sqlite'),
    CLM_ADMIN_TOKEN: TOKENS.admin,
    CLM_API_TOKEN: TOKENS.api,
    CLM_PROVISION_TOKEN: TOKENS.provision,
    CLM_PROVISION_FORWARD_URL: `${urlOf(provider)}/accounts`,
    CLM_PROVISION_FORWARD_SECRET: 'history-forward-secret-0123',
    // Short enough that a stalled call costs little; retries are due at once, so the
    // frozen clock never has to move for one.
    CLM_RELAY_TIMEOUT_MS: '500',
    CLM_RELAY_BACKOFF_BASE_MS: '1',
    CLM_RELAY_BACKOFF_MAX_MS: '1',
    CLM_RELAY_POLL_MS: '10',
    CLM_SHUTDOWN_GRACE_MS: '100',
  });

  let collector: Collector;
  let server: Server;
  const boot = async () => {
    collector = await createCollector(config, {
      logger: silentLogger,
      clock,
      pixelScript: null,
      processMetrics: false,
    });
    server = await serve(collector.app);
    collector.worker.start();
    collector.usage.start();
    // The start's own check for overdue closes, awaited so the history goes on after it.
    await collector.usage.tick();
  };
  await boot();

  return {
    clock,
    config,
    marketplace,
    wire,
    get collector() {
      return collector;
    },
    get url() {
      return urlOf(server);
    },
    /**
     * Stops the collector (worker, scheduler, store) and starts it again on the same file,
     * `down` ms of the clock later.
     */
    restart: async (down = 0) => {
      await shut(server);
      await collector.close();
      clock.time += down;
      await boot();
    },
    dispose: async () => {
      await shut(server);
      await collector.close();
      await wire.close();
      await shut(sandbox);
      await shut(provider);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A running history system. */
export type HistorySystem = Awaited<ReturnType<typeof startSystem>>;
