import type { Command } from 'commander';
import type { CliIo } from './io.js';
import { runUsage } from './usage.js';
import { DEFAULT_CALENDAR_COUNT, runUsageCalendar } from './usage-calendar.js';
import { runUsageClose } from './usage-close.js';
import { runUsageConfirm, runUsageResend } from './usage-reports.js';

const CALENDAR_HELP =
  '\nThe billing calendar is read from $CLM_BILLING_TZ (default America/Chicago) and\n' +
  '$CLM_USAGE_CLOSE_AT (default 14:00), as `serve` reads them.\n';

/**
 * Adds `usage` (usage per period, order and SKU with each report's state) and its
 * subcommands `close`, `confirm`, `resend` and `calendar` to the CLI.
 */
export function addUsageCommands(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
  options: { dbHelp: string; count: (value: string) => number },
): void {
  const { dbHelp } = options;
  const usage = program
    .command('usage')
    .description("Show usage per period, order and SKU with each usage report's state")
    .option('--period <YYYY-MM>', 'only this billing period')
    .option('--json', 'print JSON for scripts and monitoring')
    // Options after a subcommand's name are the subcommand's (close has its own --period).
    .enablePositionalOptions()
    .addHelpText('after', `${dbHelp}${CALENDAR_HELP}`)
    .action(async (opts: { period?: string; json?: boolean }) =>
      setExit(await runUsage({ ...opts, json: opts.json === true }, io)),
    );

  usage
    .command('close')
    .description('Close a billing period now and queue its usage reports')
    .requiredOption(
      '--period <YYYY-MM>',
      'the period to close (earlier ones still open close with it)',
    )
    .option(
      '--early',
      'close the open period before its close time; later usage counts in the next',
    )
    .option('--yes', 'close early without asking (needed without a terminal)')
    .addHelpText(
      'after',
      `${dbHelp}A running collector sends the reports at its next poll (never in the month-end\nblackout).${CALENDAR_HELP}`,
    )
    .action(async (opts: { period: string; early?: boolean; yes?: boolean }) =>
      setExit(
        await runUsageClose(
          { period: opts.period, early: opts.early === true, yes: opts.yes === true },
          io,
        ),
      ),
    );

  usage
    .command('confirm')
    .description('Mark an unconfirmed usage report sent: the marketplace did bill it')
    .argument('<id>', 'the report id (see `clm-collector usage`)')
    .addHelpText('after', dbHelp)
    .action(async (id: string) => setExit(await runUsageConfirm(id, io)));

  usage
    .command('resend')
    .description('Send an unconfirmed (or failed) usage report again; may bill the buyer twice')
    .argument('<id>', 'the report id (see `clm-collector usage`)')
    .option('--yes', 'do not ask (needed without a terminal)')
    .addHelpText('after', dbHelp)
    .action(async (id: string, opts: { yes?: boolean }) =>
      setExit(await runUsageResend(id, { yes: opts.yes === true }, io)),
    );

  usage
    .command('calendar')
    .description("Print the next periods' close times and month-end blackouts, in the zone and UTC")
    .option('--count <n>', 'periods to print', options.count, DEFAULT_CALENDAR_COUNT)
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `${CALENDAR_HELP}With a database at $CLM_DB, a period closed already (early, or by hand) is\nshown closed, and the closes listed start at the first period still open.\n`,
    )
    .action(async (opts: { count: number; json?: boolean }) =>
      setExit(await runUsageCalendar({ count: opts.count, json: opts.json === true }, io)),
    );
}
