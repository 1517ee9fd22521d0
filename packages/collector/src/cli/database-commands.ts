import { Option } from 'commander';
import { type ExportCliOptions, exportCommand } from './export-command.js';
import { EXPORT_FORMATS } from './export-format.js';
import { integer } from './integer.js';
import type { AddCommands } from './io.js';
import { DEFAULT_ORDERS_LIMIT, runOrders } from './orders.js';
import { runReplay } from './replay.js';
import { runStatus } from './status.js';
import { runWriteOff } from './write-off.js';

/** What every command on the database says of it in its help. */
export const DB_HELP =
  '\nReads the database at $CLM_DB (default ./data/collector.sqlite). Safe while\n' +
  '`clm-collector serve` runs on the same file.\n';

/** Adds `status` (relays and events) and `orders` (orders and failed provisioning). */
export const addStatusCommands: AddCommands = (program, io, setExit) => {
  program
    .command('status')
    .description(
      'Show relay and event counts, the oldest waiting relay, unconfirmed usage reports and dead letters',
    )
    .option('--json', 'print JSON for scripts and monitoring')
    .addHelpText(
      'after',
      `${DB_HELP}\nExit status: 0 all is well; 1 the database could not be read; 2 bad usage or\n` +
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
      `${DB_HELP}Each SKU's billing model comes from $CLM_SKU_BILLING (default manual).\n`,
    )
    .action(async (options: { json?: boolean; limit: number }) =>
      setExit(await runOrders({ json: options.json === true, limit: options.limit }, io)),
    );
};

/** Adds `replay` (dead letters sent again), `write-off` and `export` (every relay, or the billing). */
export const addRelayCommands: AddCommands = (program, io, setExit) => {
  program
    .command('replay')
    .description('Send dead letters back to pending; a running collector retries them')
    .argument('[ids...]', 'relay ids (see `status` or `export --status dead`)')
    .option('--all', 'replay every dead letter')
    .option('--yes', 'send dead billing calls again without asking (required without a terminal)')
    .addHelpText(
      'after',
      `${DB_HELP}\nDead billing calls (starts, usage reports, ends) among them are billable: replay\n` +
        'lists each (endpoint, order, SKU, period, usageCount) and asks before sending them\n' +
        'again, unless --yes. Without a terminal and without --yes it refuses (exit 2); answered\n' +
        'no, it changes nothing (exit 1). Dead purchases alone are replayed without a question.\n',
    )
    .action(async (ids: string[], options: { all?: boolean; yes?: boolean }) =>
      setExit(await runReplay({ ids, all: options.all === true, yes: options.yes === true }, io)),
    );

  program
    .command('write-off')
    .description(
      'Give up on dead billing calls (starts, usage reports, ends): never sent, not billed, ' +
        'no longer money in doubt',
    )
    .argument('<ids...>', 'relay ids (see `status`)')
    .option('--yes', 'write off without asking (required without a terminal)')
    .addHelpText(
      'after',
      `${DB_HELP}\nA write-off cannot be undone: it lists each call (endpoint, order, SKU, period,\n` +
        'usageCount) and the usage never billed, and asks, unless --yes. Without a terminal\n' +
        'and without --yes it refuses (exit 2); answered no, it changes nothing (exit 1).\n',
    )
    .action(async (ids: string[], options: { yes?: boolean }) =>
      setExit(await runWriteOff({ ids, yes: options.yes === true }, io)),
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
      `${DB_HELP}Progress and a summary go to stderr; only data goes to stdout or the file.\n` +
        '--billing reads CLM_SKU_BILLING and CLM_MARKETPLACE_API (when billing starts).\n',
    )
    .action(async (options: ExportCliOptions) => setExit(await exportCommand(options, io)));
};
