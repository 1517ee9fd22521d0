import { LINES_SHOWN, type UsageLineView } from '../admin/usage-data.js';
import { utcLabel, zonedLabel } from '../admin/zoned-time.js';
import { oneLine, plural, table } from './table.js';
import type { UsageReport } from './usage-report.js';

const at = (iso: string, zone: string) => {
  const ms = Date.parse(iso);
  return `${zonedLabel(ms, zone)} (${utcLabel(ms)})`;
};

function openLine({ open, zone }: UsageReport): string {
  if (!open.begun) return `${open.period} opens next (the month before it was closed early)`;
  if (open.overdue)
    return `${open.period} is open; it was due to close ${at(open.closesAt, zone)}, and a running collector closes it at its next check`;
  return `${open.period} is open and closes ${at(open.closesAt, zone)}`;
}

// Unconfirmed ones are marked: each waits for an operator.
const lineRow = (line: UsageLineView) => [
  line.period,
  oneLine(line.provisioningId, 40),
  oneLine(line.sku, 30),
  line.quantity,
  String(line.events),
  `${oneLine(line.state, 80)}${line.report?.status === 'unconfirmed' ? ' !' : ''}`,
  line.report === null ? '-' : String(line.report.id),
];

function unconfirmedHelp(count: number): string[] {
  if (count === 0) return [];
  const it = count === 1 ? 'it' : 'them';
  return [
    `${plural(count, 'usage report')} ${count === 1 ? 'is' : 'are'} unconfirmed (marked !): the marketplace may have billed ${it}.`,
    "Check the buyer's bill, then for each:",
    '  clm-collector usage confirm <id>   it was billed: mark it sent',
    '  clm-collector usage resend <id>    it was not: send it again (may bill the buyer twice)',
  ];
}

function heldHelp(count: number): string[] {
  if (count === 0) return [];
  return [
    `${plural(count, 'usage report')} ${count === 1 ? 'is' : 'are'} held (state "held: ..."): never sent, since a count with more than 15 significant digits would be billed rounded.`,
    'Settle each with the marketplace by hand; neither resend nor replay sends a held report.',
  ];
}

/** The human-readable `usage` report. */
export function renderUsage(report: UsageReport): string {
  const { lines, closedPeriods, zone } = report;
  const closed = closedPeriods.map(
    (entry) =>
      `${entry.period} (${utcLabel(Date.parse(entry.closedAt))}${entry.early ? ', early' : ''})`,
  );
  const out = [
    `database: ${report.database}`,
    `billing:  ${zone}; ${openLine(report)}`,
    `closed:   ${closed.length === 0 ? 'none yet' : closed.join(', ')}`,
  ];
  const where = report.period === null ? '' : ` in ${report.period}`;
  if (lines.length === 0)
    out.push(
      report.period === null
        ? 'usage:    none recorded yet (your backend reports usage with POST /api/usage)'
        : `usage:    none${where}`,
    );
  else
    out.push(
      `usage:    ${plural(lines.length, 'line')}${where}${lines.length >= LINES_SHOWN ? ' (the first ones, newest period first; see --period)' : ''}`,
      table([
        ['period', 'provisioning id', 'SKU', 'quantity', 'events', 'report', 'id'],
        ...lines.map(lineRow),
      ]),
    );
  out.push(...unconfirmedHelp(report.unconfirmed), ...heldHelp(report.held));
  return `${out.join('\n')}\n`;
}
