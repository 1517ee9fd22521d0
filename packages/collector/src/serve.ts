import { createApp } from './app.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import { closeServer, listenOn } from './listen.js';
import type { Logger } from './log.js';
import { createMetrics } from './metrics/collector-metrics.js';
import { createOnrampClient } from './onramp/client.js';
import { createRelayWorker } from './relay/worker.js';
import { pixelInfo, readPixelScript } from './routes/pixel.js';
import { openSqliteStore } from './store/sqlite.js';

/** A running collector. */
export interface RunningCollector {
  url: string;
  /** Stops accepting, stops the relay worker, closes the store. */
  close(): Promise<void>;
}

/**
 * Opens the store, starts the HTTP app and the relay worker. `fetch` and `pixelScript`
 * are for tests.
 */
export async function startCollector(options: {
  config: Config;
  logger: Logger;
  clock?: Clock;
  fetch?: typeof fetch;
  pixelScript?: Buffer | null;
}): Promise<RunningCollector> {
  const { config, logger, clock = systemClock } = options;
  const store = await openSqliteStore({ path: config.dbPath, logger, clock });
  const onramp = createOnrampClient({
    baseUrl: config.onrampBaseUrl,
    timeoutMs: config.relay.timeoutMs,
    ...(options.fetch && { fetch: options.fetch }),
  });
  const metrics = createMetrics({ store, clock });
  const worker = createRelayWorker({
    store,
    onramp,
    clock,
    config: config.relay,
    logger,
    metrics,
  });
  const pixelScript =
    options.pixelScript !== undefined ? options.pixelScript : readPixelScript(logger);
  const app = createApp({ store, clock, logger, config, relay: worker, metrics, pixelScript });
  const { server, url } = await listenOn(app, config.port, config.host).catch(async (error) => {
    await store.close();
    throw error;
  });
  worker.start();
  logger.info('collector', `listening on ${url}`);
  logger.info('collector', `relaying to ${config.onrampBaseUrl}/api/SaasTrackings`);
  if (pixelScript) {
    const { file, integrity } = pixelInfo(pixelScript);
    logger.info('collector', `pixel: ${url}/${file} integrity="${integrity}"`);
  }

  let closing: Promise<void> | undefined;
  return {
    url,
    close() {
      closing ??= (async () => {
        // Beacons already accepted are stored; stop taking new ones first.
        await closeServer(server, config.relay.shutdownGraceMs);
        await worker.stop();
        await store.close();
        logger.info('collector', 'stopped');
      })();
      return closing;
    },
  };
}
