import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConfigError } from '../config.js';
import type { RelayStatus } from '../store/types.js';
import { isClosedPipe } from './closed-pipe.js';
import { runExport } from './export.js';
import { runBillingExport } from './export-billing.js';
import { EXPORT_FORMATS, type ExportFormat } from './export-format.js';
import { type CliIo, EXIT, UsageError } from './io.js';
import { DEFAULT_ORDERS_LIMIT, runOrders } from './orders.js';
import { type PixelInfoOptions, runPixelInfo } from './pixel-info.js';
import { runReplay } from './replay.js';
import { runSandbox, type SandboxCliOptions } from './sandbox.js';
import { runServe } from './serve.js';
import { runStatus } from './status.js';
import { runTrack } from './track.js';
import { addUsageCommands } from './usage-commands.js';

const integer = (min: number, max: number) => (value: string) => {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < min || parsed > max) {
    throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
  }
  return parsed;
};

function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('clm-collector')
    .description(
      'Collects marketplace purchase beacons and relays them to the onramp; provisions ' +
        'marketplace orders, starts and ends their billing, and reports their usage.',
    )
    .exitOverride()
    // Options after a command's name are that command's: `usage --period` lists a period,
    // `usage close --period` closes one.
    .enablePositionalOptions()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError();

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

  program
    .command('sandbox')
    .description(
      'Run a sandbox marketplace (SaasTrackings, SaaS v2 or v1 endpoints, a Buy page) that ' +
        'keeps the books of the orders it provisioned, refuses what the marketplace would, ' +
        'records calls and can fail on demand',
    )
    .option('--port <n>', 'port to listen on (0 = any free port)', integer(0, 65535), 8090)
    .option('--host <h>', 'address to listen on', '127.0.0.1')
    .option(
      '--provision-url <url>',
      "where Buy sends provisioning requests (the collector's /marketplace/provision)",
    )
    .option('--api <v2|v1>', "the marketplace API: v2 (seed 002) or v1 (seed 003's Buy body)", 'v2')
    .option('--product-id <n>', 'the product id Buy proposes', integer(0, 999_999_999), 123)
    .option('--product-name <name>', 'the product name on the marketplace page', 'Demo CRM')
    .option(
      '--sku <SKU[=model]>',
      'a SKU Buy proposes, with its billing start: manual, immediate, delay:Nd, next-month ' +
        '(without one: its $CLM_SKU_BILLING model, else manual; repeat for more; default ' +
        'MRKTPLC-DEMO-CRM-SEATS)',
      (value: string, list: string[]) => [...list, value],
      [] as string[],
    )
    .option(
      '--field <label[:optional]>',
      'a field of the deployment form, required unless :optional (repeat for more); a ' +
        'required "Contact Email" is added when no required field has "email" in its name ' +
        '(a "Contact Email" field of your own is made required instead)',
      (value: string, list: string[]) => [...list, value],
      [] as string[],
    )
    .option(
      '--provider-key <key>',
      'the provider key calls must carry (default: $CLM_PROVIDER_KEY, else the single ' +
        '$CLM_PARTNER_KEYS entry; prefer those: other users can read command lines)',
    )
    .addHelpText(
      'after',
      '\nWith --provision-url, the bearer token Buy sends is read from $CLM_PROVISION_TOKEN\n' +
        '(never from the command line, where other users could read it).\n\n' +
        'Provider calls (/start-billing/, /saas-usage/, /saas-usage/end, v1 /update-subscription/)\n' +
        'are refused with 400 unless they carry the provider key and name an order the sandbox\n' +
        'provisioned (its Buy page, or POST /_sandbox/orders), its customer, product and SKUs,\n' +
        'and the SKU has not ended. The books: a Bill page per order (linked from /marketplace)\n' +
        'and GET /_sandbox/ledger, one line per order, SKU and month in Chicago time.\n',
    )
    .action(async (options: SandboxCliOptions) => setExit(await runSandbox(options, io)));

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

  const dbHelp =
    '\nReads the database at $CLM_DB (default ./data/collector.sqlite). Safe while\n' +
    '`clm-collector serve` runs on the same file.\n';

  program
    .command('status')
    .description(
      'Show relay and event counts, the oldest waiting relay, unconfirmed usage reports and dead letters',
    )
    .option('--json', 'print JSON for scripts and monitoring')
    .addHelpText(
      'after',
      `${dbHelp}\nExit status: 0 all is well; 1 the database could not be read; 2 bad usage or\n` +
        'configuration; 3 money in doubt: a billing call (start, usage report, end) is\n' +
        'unconfirmed or dead and waits for an operator (`moneyInDoubt` in --json).\n',
    )
    .action(async (options: { json?: boolean }) =>
      setExit(await runStatus({ json: options.json === true }, io)),
    );

  program
    .command('orders')
    .description(
      "Show the newest marketplace orders with each SKU's billing and end, and failed provisioning",
    )
    .option('--json', 'print JSON for scripts and monitoring')
    .option(
      '--limit <n>',
      'orders (and failed attempts) to list',
      integer(1, 10_000),
      DEFAULT_ORDERS_LIMIT,
    )
    .addHelpText(
      'after',
      `${dbHelp}Each SKU's billing model comes from $CLM_SKU_BILLING (default manual).\n`,
    )
    .action(async (options: { json?: boolean; limit: number }) =>
      setExit(await runOrders({ json: options.json === true, limit: options.limit }, io)),
    );

  addUsageCommands(program, io, setExit, { dbHelp, count: integer(1, 120) });

  program
    .command('replay')
    .description('Send dead letters back to pending; a running collector retries them')
    .argument('[ids...]', 'relay ids (see `status` or `export --status dead`)')
    .option('--all', 'replay every dead letter')
    .addHelpText('after', dbHelp)
    .action(async (ids: string[], options: { all?: boolean }) =>
      setExit(await runReplay({ ids, all: options.all === true }, io)),
    );

  program
    .command('export')
    .description(
      'Write every relay with its status, oldest first, as CSV or JSON Lines; with --billing, ' +
        'the reconciliation of billing per order, SKU and month',
    )
    .addOption(
      new Option('--format <format>', 'output format: csv or jsonl; with --billing csv or json')
        .choices([...EXPORT_FORMATS, 'json'])
        .default('csv'),
    )
    .option(
      '--billing',
      "the reconciliation: the marketplace ledger's lines (order, SKU, billed month) and every billing call with its state",
    )
    .option('--period <YYYY-MM>', 'with --billing: only this billed month')
    .addOption(
      new Option('--status <status>', 'only relays with this status').choices([
        'pending',
        'in_flight',
        'delivered',
        'dead',
        'unconfirmed',
      ]),
    )
    .option('--output <file>', 'write to this file instead of stdout')
    .addHelpText(
      'after',
      `${dbHelp}Progress and a summary go to stderr; only data goes to stdout or the file.\n` +
        '--billing reads CLM_SKU_BILLING and CLM_MARKETPLACE_API (when billing starts).\n',
    )
    .action(async (options: ExportCliOptions) => setExit(await exportCommand(options, io)));

  program.addHelpText('after', () => subcommandList(program));
  return program;
}

interface ExportCliOptions {
  format: string;
  status?: RelayStatus;
  output?: string;
  billing?: boolean;
  period?: string;
}

// One command, two exports: the relays (by status) or the billing reconciliation (by month).
function exportCommand(options: ExportCliOptions, io: CliIo): Promise<number> {
  const { format, status, output, billing, period } = options;
  if (billing) {
    if (status !== undefined)
      throw new UsageError('--status is for the relay export, not --billing');
    return runBillingExport({ format, period, output }, io);
  }
  if (period !== undefined) throw new UsageError('--period needs --billing');
  if (format === 'json')
    throw new UsageError('the relay export writes csv or jsonl; json is for --billing');
  return runExport({ format: format as ExportFormat, status, output }, io);
}

// Commander lists a program's own commands only: those under one (`usage close`) are
// named here too, so the top-level help shows every command there is.
function subcommandList(program: Command): string {
  const lines = program.commands.flatMap((command) =>
    command.commands.map((sub) =>
      `  ${`${command.name()} ${sub.name()}`.padEnd(16)}  ${sub.description()}`.trimEnd(),
    ),
  );
  return lines.length === 0 ? '' : `\nSubcommands (see \`help <command>\`):\n${lines.join('\n')}\n`;
}

/**
 * Runs the `clm-collector` CLI with `argv` (arguments after the program name) and
 * resolves with the exit code: 0 ok, 1 failed, 2 usage or configuration error.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (value) => {
    code = value;
  });
  try {
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      return EXIT.usage;
    }
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    // The reader went away (`| head`): it has what it wanted; nothing to say, and nowhere.
    if (isClosedPipe(error)) return EXIT.ok;
    if (error instanceof UsageError || error instanceof ConfigError) {
      io.stderr.write(`clm-collector: ${error.message}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`clm-collector: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}
