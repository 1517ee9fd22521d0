import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { createApp } from '../app.js';
import type { TrustProxy } from '../config.js';
import { type Logger, silentLogger } from '../log.js';
import { openSqliteStore } from '../store/sqlite.js';
import { listen } from './http.js';
import { tempDir } from './tmp.js';

/** The collector app on port 0 over a temporary SQLite file, with a counting relay stub. */
export async function startTestCollector(
  options: {
    allowedOrigins?: string[];
    pixelScript?: Buffer | null;
    now?: number;
    rateLimitPerMinute?: number;
    trustProxy?: TrustProxy;
    logger?: Logger;
    adminToken?: string | null;
    apiToken?: string | null;
    serviceName?: string | null;
    partnerKeys?: string[];
    readyMaxPendingSeconds?: number;
  } = {},
) {
  const store = await openSqliteStore({
    path: join(tempDir(), 'collector.sqlite'),
    logger: silentLogger,
  });
  onTestFinished(() => store.close());
  const relay = { notified: 0, notify: () => void relay.notified++ };
  const app = createApp({
    store,
    clock: { now: () => options.now ?? Date.parse('2025-03-01T12:00:00Z') },
    logger: options.logger ?? silentLogger,
    config: {
      partnerKeys: options.partnerKeys ?? ['PK-1', 'PK-2'],
      allowedOrigins: options.allowedOrigins ?? [],
      rateLimitPerMinute: options.rateLimitPerMinute ?? 100_000,
      trustProxy: options.trustProxy ?? false,
      adminToken: options.adminToken ?? null,
      apiToken: options.apiToken ?? null,
      serviceName: options.serviceName ?? null,
      ...(options.readyMaxPendingSeconds !== undefined && {
        readyMaxPendingSeconds: options.readyMaxPendingSeconds,
      }),
    },
    relay,
    pixelScript:
      'pixelScript' in options ? (options.pixelScript ?? null) : Buffer.from('/* pixel */'),
  });
  return { url: await listen(app), store, relay, app };
}
