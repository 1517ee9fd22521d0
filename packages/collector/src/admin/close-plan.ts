import type { MarketplaceApi, MarketplaceEndpoints } from '../outbox/kind.js';
import type { UsageLine, UsageStore } from '../store/usage.js';
import { nextPeriod, type Period } from '../time/calendar.js';
import type { Calendar } from '../usage/close.js';
import { formatMicros } from '../usage/decimal.js';
import { usageReportRelay } from '../usage/report-kind.js';
import { LINES_SHOWN, openPeriod } from './usage-data.js';
import type { ConfirmView } from './views/confirm-page.js';

/** One report a close would queue: its order, SKU and exact count, and whether it is held. */
export interface PlannedReport {
  period: Period;
  provisioningId: string;
  customerId: string;
  sku: string;
  usageCount: string;
  held: boolean;
}

/** What Close the month now would do, read without changing anything. */
export interface ClosePlan {
  /** The open period it closes, and the earlier ones still open before it. */
  period: Period;
  periods: Period[];
  early: boolean;
  begun: boolean;
  reports: PlannedReport[];
  /** A period had more lines than one read returns: the list may be incomplete. */
  cut: boolean;
  /** What the plan was read from, for the confirm token. */
  state: string;
  lastClosed: Period | null;
}

const planned = (line: UsageLine, now: number): PlannedReport => ({
  period: line.period,
  provisioningId: line.provisioningId,
  customerId: line.customerId,
  sku: line.sku,
  usageCount: formatMicros(line.micros),
  held: usageReportRelay(line, now).held !== undefined,
});

/**
 * The periods Close the month now closes (the open one, and any earlier one still open)
 * and the report each (order, SKU) with usage in them would get, as the store's close
 * builds them: every usage line not reported yet.
 */
export async function planClose(
  store: UsageStore,
  calendar: Calendar,
  now: number,
): Promise<ClosePlan> {
  const lastClosed = await store.lastClosedPeriod();
  const open = openPeriod(calendar, now, lastClosed);
  let first = lastClosed !== null ? nextPeriod(lastClosed) : await store.firstOpenUsagePeriod();
  if (first === null || first > open.period) first = open.period;
  const periods: Period[] = [];
  for (let p = first; p <= open.period && periods.length < 1200; p = nextPeriod(p)) periods.push(p);
  const reports: PlannedReport[] = [];
  let cut = false;
  for (const period of periods) {
    const lines = await store.usageLines({ period });
    cut ||= lines.length >= LINES_SHOWN;
    for (const line of lines) if (line.report === null) reports.push(planned(line, now));
  }
  const state = JSON.stringify([
    lastClosed,
    open.period,
    reports.map((r) => [r.period, r.provisioningId, r.sku, r.usageCount]),
  ]);
  return {
    period: open.period,
    periods,
    early: !open.overdue,
    begun: open.begun,
    reports,
    cut,
    state,
    lastClosed,
  };
}

/** Where usage reports go: `/saas-usage/`, or v1's `/update-subscription/`. */
function usageEndpoint(endpoints: MarketplaceEndpoints | undefined, api: MarketplaceApi) {
  if (api === 'v1')
    return endpoints?.updateSubscription ?? "the marketplace's /update-subscription/";
  return endpoints?.usage ?? "the marketplace's /saas-usage/ (CLM_USAGE_URL)";
}

/** The confirm page of Close the month now: each report with its exact count. */
export function closeConfirm(
  plan: ClosePlan,
  form: { token: string; note?: string | undefined },
  deps: { endpoints?: MarketplaceEndpoints | undefined; api?: MarketplaceApi | undefined },
): ConfirmView {
  const sent = plan.reports.filter((r) => !r.held);
  const held = plan.reports.length - sent.length;
  const which = plan.periods.length === 1 ? plan.period : plan.periods.join(', ');
  const heldNote = held > 0 ? ` ${held} held (never sent: the count would arrive rounded).` : '';
  const cutNote = plan.cut ? ' A period has over 1000 lines: the list shows the first.' : '';
  const count = (r: PlannedReport) => (r.held ? `${r.usageCount} (held: not sent)` : r.usageCount);
  return {
    title: `Close ${plan.period}${plan.early ? ' early' : ''}?`,
    calls: {
      count: sent.length,
      endpoint: usageEndpoint(deps.endpoints, deps.api ?? 'v2'),
      what: `one per order and SKU with usage in ${which}; each adds its count to the buyer's bill.${heldNote}${cutNote}`,
    },
    columns: ['Period', 'Provisioning ID', 'Customer ID', 'SKU', 'usageCount'],
    rows: plan.reports.map((r) => [r.period, r.provisioningId, r.customerId, r.sku, count(r)]),
    warning: `${plan.early ? 'An early close cannot be undone. ' : ''}Usage arriving later counts in ${nextPeriod(plan.period)}.`,
    note: form.note,
    action: '/admin/usage/close',
    fields: { period: plan.period, confirm: form.token },
    button: `Close ${plan.period} and send ${sent.length === 1 ? '1 report' : `${sent.length} reports`}`,
    cancel: { href: '/admin/usage', label: 'Cancel: send nothing' },
  };
}
