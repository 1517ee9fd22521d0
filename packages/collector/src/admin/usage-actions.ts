import type { Clock } from '../clock.js';
import { fingerprint, type Logger } from '../log.js';
import { plural } from '../plural.js';
import { relayById } from '../store/admin-reads.js';
import { isHeld } from '../store/kept-relays.js';
import type { AdminStore, Relay, UsageStore } from '../store/types.js';
import type { Period } from '../time/calendar.js';
import { type Calendar, CloseRefused, closePeriodNow } from '../usage/close.js';
import { openPeriod, reportState } from './usage-data.js';

/** What the usage actions need; `relay` is told when reports were queued. */
export interface UsageActionDeps {
  store: AdminStore & UsageStore;
  clock: Clock;
  logger: Logger;
  relay?: { notify(): void } | undefined;
}

/** Why a usage report was left as it is: 404 (no such report) or 409 (not in that state). */
export class ReportRefused extends Error {
  constructor(
    message: string,
    readonly status: 404 | 409,
  ) {
    super(message);
  }
}

/** The usage report with this id, or null. */
export async function findUsageReport(store: AdminStore, id: number): Promise<Relay | null> {
  const relay = await relayById(store, id);
  return relay?.kind === 'usage_report' ? relay : null;
}

async function change(
  deps: UsageActionDeps,
  id: number,
  allowed: (relay: Relay) => boolean,
  apply: (now: number) => Promise<boolean>,
  only: string,
): Promise<Relay> {
  const relay = await findUsageReport(deps.store, id);
  if (relay === null) throw new ReportRefused(`There is no usage report ${id}.`, 404);
  // Checked again by the store's update: another operator may have been quicker.
  if (allowed(relay) && (await apply(deps.clock.now()))) return relay;
  const current = (await findUsageReport(deps.store, id)) ?? relay;
  throw new ReportRefused(`Usage report ${id} is ${reportState(current)}: ${only}.`, 409);
}

/**
 * Marks a usage report billed, sending nothing: an unconfirmed one an operator saw on the
 * buyer's bill, or a held one the operator billed by hand (it leaves the dead letters).
 */
export async function confirmUsageReport(deps: UsageActionDeps, id: number): Promise<Relay> {
  const relay = await change(
    deps,
    id,
    (report) => report.status === 'unconfirmed' || isHeld(report),
    (now) => deps.store.confirmReport(id, now),
    'only an unconfirmed or held report can be confirmed',
  );
  const how = isHeld(relay) ? 'billed by hand (it was held)' : 'billed';
  deps.logger.info('usage', `admin: confirmed usage report ${id} as ${how}`);
  return relay;
}

/**
 * Sends an unconfirmed (or failed) usage report again and wakes the relay worker. If the
 * marketplace had recorded the first attempt, the buyer is billed twice.
 */
export async function resendUsageReport(deps: UsageActionDeps, id: number): Promise<Relay> {
  const relay = await change(
    deps,
    id,
    (report) => report.status === 'unconfirmed' || report.status === 'dead',
    (now) => deps.store.resendReport(id, now),
    'only an unconfirmed or failed report can be resent',
  );
  deps.relay?.notify();
  deps.logger.warn(
    'usage',
    `admin: resending usage report ${id} of order ${fingerprint(relay.orderId ?? '')} (may bill twice)`,
  );
  return relay;
}

/**
 * Closes the open period now (early, unless its close time has passed) and any earlier one
 * still open, queues their reports and wakes the relay worker. Throws `CloseRefused`, also
 * when the open period is no longer `expected` (the one a confirm page showed).
 */
export async function closeOpenPeriod(
  deps: UsageActionDeps,
  calendar: Calendar,
  expected?: Period,
) {
  const now = deps.clock.now();
  const open = openPeriod(calendar, now, await deps.store.lastClosedPeriod());
  if (expected !== undefined && open.period !== expected)
    throw new CloseRefused(`${expected} is closed already`);
  const early = !open.overdue;
  const closed = await closePeriodNow(deps.store, calendar, { period: open.period, now, early });
  const reports = closed.reduce((sum, entry) => sum + entry.reports, 0);
  if (reports > 0) deps.relay?.notify();
  const periods = closed.map((entry) => entry.period).join(', ');
  deps.logger.info(
    'usage',
    `admin: closed ${periods || 'nothing'}: ${plural(reports, 'report')} queued`,
  );
  return { period: open.period, early, closed, reports };
}
