import { loadConfig } from '../config.js';
import { startCollector } from '../serve.js';
import { type CliIo, EXIT, waitForSignal } from './io.js';
import { createCliLogger, terminalOf } from './logger.js';

/** `serve`: the collector until SIGTERM/SIGINT. A bad environment throws a ConfigError. */
export async function runServe(io: CliIo): Promise<number> {
  const config = loadConfig(io.env, terminalOf(io));
  const logger = createCliLogger(io, config.log);
  const collector = await startCollector({ config, logger });
  await (io.shutdown ?? waitForSignal());
  logger.info('collector', 'shutting down');
  await collector.close();
  return EXIT.ok;
}
