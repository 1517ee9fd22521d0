import { DOUBT_ACTIONS, doubtCounts, doubtSums } from '../usage/in-doubt-text.js';
import type { StatusReport } from './status-report.js';
import { oneLine, plural, table } from './table.js';

/** `3d 4h`, `5h 12m`, `7m 3s`, `42s`: the two largest units. */
export function formatAge(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

// The worker's reasons often start with the status already ("HTTP 400: rejected ...").
function lastAnswer(dead: StatusReport['deadLetters']['newest'][number]): string {
  const status = dead.lastStatus === null ? '' : `HTTP ${dead.lastStatus}`;
  const error = dead.lastError ?? '';
  if (status && error.startsWith(status)) return error;
  return [status, error].filter(Boolean).join(': ');
}

function unconfirmedLines({ count, newest }: StatusReport['unconfirmedUsageReports']): string[] {
  if (count === 0) return ['unconfirmed:    0 usage reports'];
  return [
    `unconfirmed:    ${plural(count, 'usage report')} (the marketplace may have billed ${count === 1 ? 'it' : 'them'})`,
    newest.length < count ? `newest ${newest.length}:` : '',
    table([
      ['id', 'order', 'SKU', 'period', 'last answer'],
      ...newest.map((report) => [
        String(report.id),
        oneLine(report.provisioningId ?? '-', 40),
        oneLine(report.sku ?? '-', 30),
        report.period ?? '-',
        oneLine(report.lastError ?? '', 80),
      ]),
    ]),
    "check the buyer's bill, then confirm or resend: clm-collector usage confirm|resend <id>",
  ];
}

function heldLines({ count }: StatusReport['heldUsageReports']): string[] {
  if (count === 0) return [];
  return [
    `held:           ${plural(count, 'usage report')} never sent: more than 15 significant digits, ` +
      'which the marketplace would bill rounded (see clm-collector usage; once billed by ' +
      'hand: clm-collector usage confirm <id>)',
  ];
}

// First, so that a glance (or `status | head`) sees what may be billed wrongly.
function doubtLines(doubt: StatusReport['moneyInDoubt']): string[] {
  if (doubt.count === 0) return ['money in doubt: none'];
  const sums = doubtSums(doubt);
  return [
    `money in doubt: ${plural(doubt.count, 'billing call')}: ${doubtCounts(doubt).join(', ')}`,
    sums.length > 0 ? `usage in doubt: ${sums.join(', ')}` : '',
    table([
      ['id', 'call', 'state', 'order', 'SKU', 'period', 'count'],
      ...doubt.newest.map((call) => [
        String(call.id),
        call.kind,
        call.state,
        oneLine(call.provisioningId ?? '-', 40),
        oneLine(call.sku ?? '-', 30),
        call.period ?? '-',
        call.usageCount ?? '-',
      ]),
    ]),
    ...DOUBT_ACTIONS.map((action) => `  ${action}`),
  ];
}

/** The human-readable `status` report. */
export function renderStatus(report: StatusReport): string {
  const { relays, events, oldestPending, deadLetters } = report;
  // Only usage reports can be unconfirmed; the count is left out where there are none.
  const unconfirmed = relays.unconfirmed > 0 ? `, ${relays.unconfirmed} unconfirmed` : '';
  // Held reports and superseded starts: dead on purpose, never sent, nothing to retry.
  const kept = relays.kept > 0 ? `, ${relays.kept} kept unsent` : '';
  const lines = [
    ...doubtLines(report.moneyInDoubt),
    `database:       ${report.database}`,
    `relays:         ${relays.pending} pending, ${relays.in_flight} in flight, ` +
      `${relays.delivered} delivered, ${relays.dead} dead${unconfirmed}${kept} (${relays.total} total)`,
    `events:         ${plural(events.visits, 'visit')}, ${plural(events.purchaseBeacons, 'purchase beacon')}`,
    `oldest pending: ${
      oldestPending
        ? `queued ${oldestPending.since} (${formatAge(oldestPending.ageSeconds)} ago)`
        : 'none'
    }`,
    ...unconfirmedLines(report.unconfirmedUsageReports),
    ...heldLines(report.heldUsageReports),
    `dead letters:   ${deadLetters.count}`,
  ];
  if (deadLetters.newest.length > 0) {
    const shown = deadLetters.newest.length;
    lines.push(
      shown < deadLetters.count ? `newest ${shown}:` : '',
      table([
        ['id', 'kind', 'service', 'customer', 'attempts', 'last answer'],
        ...deadLetters.newest.map((dead) => [
          String(dead.id),
          dead.kind,
          dead.serviceName ?? '-',
          oneLine(dead.customerId, 40),
          String(dead.attempts),
          oneLine(lastAnswer(dead), 80),
        ]),
      ]),
      'replay them with: clm-collector replay <id...> | --all',
    );
  }
  return `${lines.filter((line) => line !== '').join('\n')}\n`;
}
