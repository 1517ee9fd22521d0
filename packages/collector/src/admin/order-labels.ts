import type { callState } from '../orders/subscription-view.js';
import { MARKETPLACE_ZONE } from '../time/calendar.js';
import { zonedLabel } from './zoned-time.js';

/** The state of one marketplace call for a SKU, as `callState` describes it. */
export type CallState = ReturnType<typeof callState>;

/** A SKU as `describeOrder` shows it. */
export interface SkuView {
  sku: string;
  /** `manual`, `immediate`, `delay:Nd` or `next-month`. */
  billingModel: string;
  /** When the marketplace starts billing by itself (ISO); null for a manual SKU. */
  billingStartsAt: string | null;
  /** Since when the SKU is billed, as far as the collector knows (ISO), else null. */
  billingSince: string | null;
  billing: CallState;
  endedAt: string | null;
  end: CallState;
}

/**
 * What an operator reads for a SKU's billing: `not started`, `starting…` (queued or being
 * retried), `billing` (the marketplace accepted /start-billing/), `never started` (the
 * start was superseded by the SKU's end: nothing to retry), `not billed` (written off by an
 * operator: never sent again) or `failed: <why>`.
 */
export function billingLabel(billing: CallState): string {
  if (billing.state === 'not-requested') return 'not started';
  if (billing.state === 'superseded') {
    return 'never started: the SKU ended first (superseded; nothing to retry)';
  }
  if (billing.state === 'written-off') return 'not billed: written off by an operator';
  if (billing.state === 'pending') return 'starting…';
  if (billing.state === 'delivered') return 'billing';
  return `failed: ${('error' in billing && billing.error) || 'no reason recorded'}`;
}

// The marketplace's clock, in which a start on "the 1st of next month" is midnight.
const chicago = (iso: string) => zonedLabel(Date.parse(iso), MARKETPLACE_ZONE);

/**
 * A SKU's billing as an operator reads it, and a state to style it by. An ended SKU is
 * `ended`, whatever its billing was: the marketplace no longer bills it. A manual SKU
 * shows its `/start-billing/` call ({@link billingLabel}); a SKU the marketplace starts by
 * itself shows `billing since <when>` once started, else `billing starts <when>` and,
 * after a Start now, what became of that call.
 */
export function billingStatus(sku: SkuView): { state: string; label: string } {
  if (sku.endedAt !== null) return { state: 'ended', label: 'ended' };
  const call = { state: sku.billing.state as string, label: billingLabel(sku.billing) };
  if (sku.billingModel === 'manual') return call;
  const model = ` (${sku.billingModel})`;
  if (sku.billingSince !== null)
    return { state: 'started', label: `billing since ${chicago(sku.billingSince)}${model}` };
  if (sku.billingStartsAt === null) return call;
  const starts = `billing starts ${chicago(sku.billingStartsAt)}${model}`;
  if (sku.billing.state === 'not-requested') return { state: 'scheduled', label: starts };
  return { state: call.state, label: `${starts} · start now: ${call.label}` };
}

/** What became of a terminated SKU's /saas-usage/end call. */
export function endCallLabel(end: CallState): string {
  if (end.state === 'not-requested') return 'end not sent';
  if (end.state === 'pending') return 'end pending';
  if (end.state === 'delivered') return 'end sent';
  if (end.state === 'written-off') return 'end written off by an operator, never sent';
  return `end failed: ${('error' in end && end.error) || 'no reason recorded'}`;
}
