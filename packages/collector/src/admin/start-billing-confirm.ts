import type { MarketplaceEndpoints } from '../outbox/kind.js';
import type { Order } from '../store/orders.js';
import type { BillingStartPlan } from './start-billing.js';
import type { ConfirmView } from './views/confirm-page.js';

/** Where `/start-billing/` goes, as the confirm pages name it. */
export const startBillingEndpoint = (endpoints: MarketplaceEndpoints | undefined) =>
  endpoints?.startBilling ?? "the marketplace's /start-billing/ (CLM_START_BILLING_URL)";

/** The confirm page of a Start billing (or Start now): one `/start-billing/` per SKU. */
export function billingStartConfirm(
  order: Order,
  plan: BillingStartPlan,
  form: { token: string; skus: readonly string[] | undefined; note?: string | undefined },
  endpoints: MarketplaceEndpoints | undefined,
): ConfirmView {
  const count = plan.calls.length;
  const id = encodeURIComponent(order.provisioningId);
  return {
    title: 'Start billing?',
    calls: {
      count,
      endpoint: startBillingEndpoint(endpoints),
      what: `one per SKU: from then on the marketplace bills the buyer for ${count === 1 ? 'it' : 'them'}.`,
    },
    columns: ['Provisioning ID', 'Customer ID', 'Product', 'SKU'],
    rows: plan.calls.map((sku) => [
      order.provisioningId,
      order.customerId,
      String(order.productId),
      sku,
    ]),
    warning: 'A start cannot be taken back: only terminating the SKU ends its billing.',
    note: form.note,
    action: `/admin/orders/${id}/start-billing`,
    fields: { ...(form.skus && { skus: form.skus }), confirm: form.token },
    button: count === 1 ? 'Send 1 call: start billing' : `Send ${count} calls: start billing`,
    cancel: { href: '/admin/orders', label: 'Cancel: send nothing' },
  };
}
