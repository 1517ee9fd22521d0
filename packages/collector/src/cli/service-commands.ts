import { integer } from './integer.js';
import type { AddCommands } from './io.js';
import { type PixelInfoOptions, runPixelInfo } from './pixel-info.js';
import { runServe } from './serve.js';
import { runTrack } from './track.js';

/** Adds `serve` (the collector) and `track` (one SaasTracking sent by hand). */
export const addServiceCommands: AddCommands = (program, io, setExit) => {
  program
    .command('serve')
    .description('Run the collector (configured by environment variables; see README)')
    .action(async () => setExit(await runServe(io)));

  program
    .command('track')
    .description('Send one SaasTracking to $ONRAMP_BASE_URL/api/SaasTrackings and print the answer')
    .argument('<partner-key>', 'provider key issued at onboarding')
    .argument('<service-name>', 'service name')
    .argument('<customer-id>', "the customer's id on your platform")
    .argument('[purchased-at]', 'purchase time, ISO-8601 with a zone (default: now); sent as UTC')
    .option('--timeout <ms>', 'give up after this many ms', integer(1, 600_000), 60_000)
    .option('--force', "send even when $CLM_DB already holds this customer's purchase")
    .action(
      async (
        partnerKey: string,
        serviceName: string,
        customerId: string,
        purchasedAt: string | undefined,
        options: { timeout: number; force?: boolean },
      ) => {
        setExit(
          await runTrack(
            { partnerKey, serviceName, customerId, purchasedAt },
            { timeoutMs: options.timeout, force: options.force === true },
            io,
          ),
        );
      },
    );
};

/** Adds `pixel-info`: the tags a provider's pages need. */
export const addPixelInfoCommand: AddCommands = (program, io, setExit) => {
  program
    .command('pixel-info')
    .description(
      'Print the two lines to paste on every page (the stub and the pinned pixel tag), then the ' +
        'versioned pixel file (pixel.<hash>.js) and its integrity (SRI) value',
    )
    .option(
      '--collector <url>',
      "the collector's public base URL (default: this machine's, from $PORT and $HOST)",
    )
    .option('--provider-key <key>', 'data-provider-key (default: the one of $CLM_PARTNER_KEYS)')
    .option('--service <name>', 'data-service (default: $CLM_SERVICE_NAME)')
    .action((options: PixelInfoOptions) => setExit(runPixelInfo(options, io)));
};
