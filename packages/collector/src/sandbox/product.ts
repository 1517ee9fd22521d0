import type { BillingModel } from '../orders/billing-models.js';

/** A SKU the product configures no model for waits for `/start-billing/`, as the collector assumes. */
export const DEFAULT_BILLING_START: BillingModel = { kind: 'manual' };

/** The model in a buyer's words, for the Bill page. */
export function describeBillingStart(start: BillingModel): string {
  if (start.kind === 'immediate') return 'immediately';
  if (start.kind === 'delay')
    return `${start.days} day${start.days === 1 ? '' : 's'} after the order`;
  if (start.kind === 'next-month') return 'on the 1st of the month after the order';
  return 'when the provider starts it';
}
