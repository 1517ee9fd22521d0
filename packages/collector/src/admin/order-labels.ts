import type { callState } from '../orders/subscription-view.js';

/** The state of one marketplace call for a SKU, as `callState` describes it. */
export type CallState = ReturnType<typeof callState>;

/** A SKU as `describeOrder` shows it. */
export interface SkuView {
  sku: string;
  billing: CallState;
  endedAt: string | null;
  end: CallState;
}

/**
 * What an operator reads for a SKU's billing: `not started`, `starting…` (queued or being
 * retried), `billing` (the marketplace accepted /start-billing/) or `failed: <why>`.
 */
export function billingLabel(billing: CallState): string {
  if (billing.state === 'not-requested') return 'not started';
  if (billing.state === 'pending') return 'starting…';
  if (billing.state === 'delivered') return 'billing';
  return `failed: ${('error' in billing && billing.error) || 'no reason recorded'}`;
}

/** What became of a terminated SKU's /saas-usage/end call. */
export function endCallLabel(end: CallState): string {
  if (end.state === 'not-requested') return 'end not sent';
  if (end.state === 'pending') return 'end pending';
  if (end.state === 'delivered') return 'end sent';
  return `end failed: ${('error' in end && end.error) || 'no reason recorded'}`;
}
