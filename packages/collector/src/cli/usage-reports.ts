import {
  confirmUsageReport,
  findUsageReport,
  ReportRefused,
  resendUsageReport,
  type UsageActionDeps,
} from '../admin/usage-actions.js';
import { reportState } from '../admin/usage-data.js';
import { systemClock } from '../clock.js';
import { silentLogger } from '../log.js';
import { isHeld } from '../store/kept-relays.js';
import type { Relay } from '../store/types.js';
import { withAdminStore } from './admin-store.js';
import { askYesNo } from './ask.js';
import { type CliIo, EXIT, UsageError } from './io.js';
import { oneLine } from './table.js';

/** A usage report id as given on the command line. */
export function parseReportId(value: string): number {
  const id = Number(value);
  if (!/^\d+$/.test(value) || id < 1 || !Number.isSafeInteger(id))
    throw new UsageError(`"${value}" is not a report id (see clm-collector usage)`);
  return id;
}

// Order ids and SKUs may hold format characters (bidi overrides) that rewrite a terminal.
const reportName = (relay: Relay) =>
  `usage report ${relay.id} (order ${oneLine(relay.orderId ?? '-', 60)}, ` +
  `${oneLine(relay.sku ?? '-', 60)}, ${relay.period})`;

type Work = (deps: UsageActionDeps, id: number) => Promise<number>;

// A refusal (no such report, or not in a state that allows it) exits 1 with its reason.
function withReport(idText: string, io: CliIo, work: Work): Promise<number> {
  const id = parseReportId(idText);
  return withAdminStore(io, async (store) => {
    const deps = { store, clock: io.clock ?? systemClock, logger: silentLogger };
    try {
      return await work(deps, id);
    } catch (error) {
      if (!(error instanceof ReportRefused)) throw error;
      io.stderr.write(`clm-collector: ${error.message}\n`);
      return EXIT.failed;
    }
  });
}

/**
 * `usage confirm <id>`: an unconfirmed report was billed after all, or a held one was billed
 * by hand; marks it sent, sending nothing.
 */
export function runUsageConfirm(idText: string, io: CliIo): Promise<number> {
  return withReport(idText, io, async (deps, id) => {
    const relay = await confirmUsageReport(deps, id);
    const what = isHeld(relay)
      ? 'recorded that you billed it by hand (it was held; nothing was sent)'
      : 'recorded that the marketplace billed it';
    io.stdout.write(`${reportName(relay)} marked sent: ${what}\n`);
    return EXIT.ok;
  });
}

const quantityOf = (relay: Relay) => String((relay.payload as { usageCount?: unknown }).usageCount);

/**
 * `usage resend <id> [--yes]`: sends an unconfirmed (or failed) report again after saying
 * that it may bill the buyer twice and asking, unless `--yes`.
 */
export function runUsageResend(idText: string, options: { yes: boolean }, io: CliIo) {
  return withReport(idText, io, async (deps, id) => {
    const relay = await findUsageReport(deps.store, id);
    if (relay === null) throw new ReportRefused(`There is no usage report ${id}.`, 404);
    // Held: never sent at all, so it is refused before the warning and the question.
    if ((relay.status !== 'unconfirmed' && relay.status !== 'dead') || isHeld(relay))
      throw new ReportRefused(
        `Usage report ${id} is ${reportState(relay)}: only an unconfirmed or failed report can be resent.`,
        409,
      );
    const last = relay.lastError === null ? '' : ` (last answer: ${oneLine(relay.lastError, 120)})`;
    io.stdout.write(
      `Resending ${reportName(relay)}, quantity ${quantityOf(relay)}, MAY BILL THE BUYER TWICE:\n` +
        `the marketplace may have recorded its first attempt${last}.\n` +
        "Resend only if the buyer's bill does not show it.\n",
    );
    if (!options.yes && !(await askYesNo(io, 'Resend it?', '--yes'))) {
      io.stderr.write('clm-collector: not resent; nothing was changed\n');
      return EXIT.failed;
    }
    await resendUsageReport(deps, id);
    io.stdout.write(
      `${reportName(relay)} queued again; a running collector sends it at its next poll\n`,
    );
    return EXIT.ok;
  });
}
