import { loadLogConfig } from '../config.js';
import { closeServer, listenOn } from '../listen.js';
import { createSandboxApp } from '../sandbox/app.js';
import { type CliIo, EXIT, waitForSignal } from './io.js';
import { createCliLogger, terminalOf } from './logger.js';

/** `sandbox`: the sandbox onramp until SIGTERM/SIGINT. */
export async function runSandbox(
  options: { port: number; host: string },
  io: CliIo,
): Promise<number> {
  const logger = createCliLogger(io, loadLogConfig(io.env, terminalOf(io)));
  const { server, url } = await listenOn(createSandboxApp(), options.port, options.host);
  logger.info('sandbox', `listening on ${url}`);
  logger.info(
    'sandbox',
    `set ONRAMP_BASE_URL=${url} for the collector; received purchases: ${url}/`,
  );
  await (io.shutdown ?? waitForSignal());
  // Stalled requests would hold the server open; drop them at once.
  await closeServer(server, 0);
  logger.info('sandbox', 'stopped');
  return EXIT.ok;
}
