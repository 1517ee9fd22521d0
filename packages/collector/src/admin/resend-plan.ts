import type { MarketplaceApi, MarketplaceEndpoints } from '../outbox/kind.js';
import { isHeld } from '../store/kept-relays.js';
import type { Relay } from '../store/outbox.js';
import type { ConfirmView } from './views/confirm-page.js';

/** Whether Resend would send this report: unconfirmed or failed, and not held. */
export const canResend = (report: Relay): boolean =>
  (report.status === 'unconfirmed' || report.status === 'dead') && !isHeld(report);

/** What a resend is bound to: the report's state and attempts, which the resend changes. */
export const resendState = (report: Relay): string =>
  JSON.stringify([report.id, report.status, report.attempts, report.updatedAt]);

const field = (payload: unknown, name: string): string => {
  const value = (payload as Record<string, unknown> | null)?.[name];
  return value === undefined || value === null ? '' : String(value);
};

/** The confirm page of Resend: the one report, its exact count, and the risk of a double bill. */
export function resendConfirm(
  report: Relay,
  form: { token: string; note?: string | undefined },
  deps: { endpoints?: MarketplaceEndpoints | undefined; api?: MarketplaceApi | undefined },
): ConfirmView {
  const v1 = deps.api === 'v1';
  const endpoint = v1
    ? (deps.endpoints?.updateSubscription ?? "the marketplace's /update-subscription/")
    : (deps.endpoints?.usage ?? "the marketplace's /saas-usage/ (CLM_USAGE_URL)");
  const unconfirmed = report.status === 'unconfirmed';
  return {
    title: `Resend usage report ${report.id}?`,
    calls: {
      count: 1,
      endpoint,
      what: `usage report ${report.id} again, which adds its count to the buyer's bill.`,
    },
    columns: ['Period', 'Provisioning ID', 'Customer ID', 'SKU', 'usageCount'],
    rows: [
      [
        report.period ?? '',
        report.orderId ?? '',
        report.customerId,
        report.sku ?? '',
        field(report.payload, 'usageCount'),
      ],
    ],
    warning: unconfirmed
      ? 'Its first attempt may have been billed: check the buyer’s bill first. If the marketplace recorded it, resending bills the buyer twice.'
      : `The marketplace refused it (${report.lastError ?? 'no reason recorded'}): resend once the cause is fixed.`,
    note: form.note,
    action: `/admin/usage/reports/${report.id}/resend`,
    fields: { confirm: form.token },
    button: 'Send 1 call: resend the report',
    cancel: { href: '/admin/usage', label: 'Cancel: send nothing' },
  };
}
