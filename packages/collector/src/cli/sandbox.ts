import { loadLogConfig } from '../config.js';
import { closeServer, listenOn } from '../http/listen.js';
import { createSandboxApp } from '../sandbox/app.js';
import type { ProvisioningConfig } from '../sandbox/provision-client.js';
import { type CliIo, EXIT, UsageError, waitForSignal } from './io.js';
import { createCliLogger, terminalOf } from './logger.js';

/** Options of `clm-collector sandbox`. */
export interface SandboxCliOptions {
  port: number;
  host: string;
  /** Where the Buy button sends provisioning requests; the token comes from the environment. */
  provisionUrl?: string | undefined;
}

// The token is read from the environment only: on the command line `ps` would show it.
function provisioningOf(url: string | undefined, io: CliIo): ProvisioningConfig | undefined {
  if (url === undefined) return undefined;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new UsageError(`--provision-url must be an http(s) URL, not "${url}"`);
  }
  const token = io.env.CLM_PROVISION_TOKEN;
  if (token === undefined || token.trim() === '') {
    throw new UsageError(
      '--provision-url needs CLM_PROVISION_TOKEN in the environment: the bearer token ' +
        'the Buy button sends (the collector’s CLM_PROVISION_TOKEN)',
    );
  }
  return { url, token: token.trim() };
}

/** `sandbox`: the sandbox marketplace until SIGTERM/SIGINT. */
export async function runSandbox(options: SandboxCliOptions, io: CliIo): Promise<number> {
  const provisioning = provisioningOf(options.provisionUrl, io);
  const logger = createCliLogger(io, loadLogConfig(io.env, terminalOf(io)));
  const app = createSandboxApp(provisioning === undefined ? {} : { provisioning });
  const { server, url } = await listenOn(app, options.port, options.host);
  logger.info('sandbox', `listening on ${url}`);
  logger.info('sandbox', `set ONRAMP_BASE_URL=${url} for the collector; received calls: ${url}/`);
  logger.info(
    'sandbox',
    `marketplace page: ${url}/marketplace; ${
      provisioning === undefined
        ? 'its Buy button is off (set --provision-url and CLM_PROVISION_TOKEN)'
        : `Buy sends provisioning requests to ${provisioning.url}`
    }`,
  );
  await (io.shutdown ?? waitForSignal());
  // Stalled requests would hold the server open; drop them at once.
  await closeServer(server, 0);
  logger.info('sandbox', 'stopped');
  return EXIT.ok;
}
