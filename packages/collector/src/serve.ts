import { type Clock, systemClock } from './clock.js';
import { createCollector } from './collector.js';
import type { Config } from './config.js';
import { closeServer, listenOn } from './http/listen.js';
import type { Logger } from './log.js';
import { startupWarnings } from './security/startup-warnings.js';
import { pixelInfo, readPixelScript } from './tracking/pixel-route.js';

/** A running collector. */
export interface RunningCollector {
  url: string;
  /** Stops accepting, stops the relay worker, closes the store. */
  close(): Promise<void>;
}

/**
 * Assembles the collector ({@link createCollector}), listens and starts the relay worker.
 * `pixelScript` is for tests.
 */
export async function startCollector(options: {
  config: Config;
  logger: Logger;
  clock?: Clock;
  pixelScript?: Buffer | null;
}): Promise<RunningCollector> {
  const { config, logger, clock = systemClock } = options;
  const pixelScript =
    options.pixelScript !== undefined ? options.pixelScript : readPixelScript(logger);
  const collector = await createCollector(config, {
    logger,
    clock,
    pixelScript,
  });
  const { server, url } = await listenOn(collector.app, config.port, config.host).catch(
    async (error) => {
      await collector.close();
      throw error;
    },
  );
  collector.worker.start();
  collector.usage.start();
  logger.info('collector', `listening on ${url}`);
  for (const warning of startupWarnings(config)) logger.warn('collector', warning);
  logger.info('collector', `relaying to ${config.marketplace.endpoints.saasTrackings}`);
  logger.info(
    'usage',
    `billing periods in ${config.billing.zone}; next close ${new Date(collector.usage.nextClose()).toISOString()}`,
  );
  if (config.marketplace.provisionToken) {
    logger.info(
      'orders',
      `provisioning at ${url}/marketplace/provision, forwarded to ${config.marketplace.forwardUrl}`,
    );
  }
  if (pixelScript) {
    const { file, integrity } = pixelInfo(pixelScript);
    // Bound to every interface (0.0.0.0, ::), the URL is no address a page can load from.
    const local = url.replace(/^http:\/\/(0\.0\.0\.0|\[::\])(?=:)/, (_, any: string) =>
      any === '[::]' ? 'http://[::1]' : 'http://127.0.0.1',
    );
    const hint =
      local === url
        ? ''
        : " (from this machine; pages load it from the collector's public URL: " +
          'clm-collector pixel-info --collector <that URL> prints the tag)';
    logger.info('collector', `pixel: ${local}/${file} integrity="${integrity}"${hint}`);
  }

  let closing: Promise<void> | undefined;
  return {
    url,
    close() {
      closing ??= (async () => {
        // Beacons already accepted are stored; stop taking new ones first.
        await closeServer(server, config.relay.shutdownGraceMs);
        await collector.close();
        logger.info('collector', 'stopped');
      })();
      return closing;
    },
  };
}
