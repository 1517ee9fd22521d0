import { isHeld, isSuperseded, isWrittenOff } from '../store/kept-relays.js';
import type { Order, OrderSku, RelayRef } from '../store/orders.js';
import type { UsageLine } from '../store/usage.js';
import { formatMicros } from '../usage/decimal.js';
import { modelName, modelOf, type SkuBilling, scheduledStart } from './billing-models.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

type CallStateName =
  | 'pending'
  | 'delivered'
  | 'failed'
  | 'unconfirmed'
  | 'held'
  | 'superseded'
  | 'written-off';

function stateOf(relay: RelayRef): CallStateName {
  if (isHeld(relay)) return 'held';
  if (isSuperseded(relay)) return 'superseded';
  if (isWrittenOff(relay)) return 'written-off';
  if (relay.status === 'delivered') return 'delivered';
  if (relay.status === 'dead') return 'failed';
  if (relay.status === 'unconfirmed') return 'unconfirmed';
  return 'pending';
}

/**
 * The state of one marketplace call made for a SKU: `not-requested`, `pending` (queued or
 * being retried), `delivered` (the marketplace answered 2xx), `failed` (dead-lettered;
 * see the dashboard or `clm-collector status` for why, and replay it there) or, for usage
 * reports, `unconfirmed` (it may have been billed: an operator confirms or resends it) or
 * `held` (never sent: its count cannot go out exactly; `error` says why), or for a billing
 * start, `superseded` (never sent: the SKU ended first, and a start after the end would
 * restart billing the buyer ended; nothing to retry), or `written-off` (dead, and an operator
 * gave up on it: never sent again, not billed; nothing to retry).
 */
export function callState(relay: RelayRef | null) {
  if (!relay) return { state: 'not-requested' as const };
  const state = stateOf(relay);
  return {
    state,
    relayId: relay.id,
    ...(relay.deliveredAt !== null && { deliveredAt: iso(relay.deliveredAt) }),
    ...(state !== 'pending' && state !== 'delivered' && { error: relay.lastError }),
  };
}

/** What {@link describeOrder} reads each SKU's billing start from: the models, and now. */
export interface BillingClock {
  billing: SkuBilling;
  now: number;
}

/**
 * When a SKU's billing started, as far as the collector knows: the marketplace accepted
 * its `/start-billing/`, or the model's own start has come (and came before the SKU's end).
 */
function billingSince(sku: OrderSku, startsAt: number | null, now: number): number | null {
  const delivered = sku.billing?.status === 'delivered' ? sku.billing.deliveredAt : null;
  const scheduled = startsAt !== null && startsAt <= Math.min(now, sku.endedAt ?? now);
  const candidates = [delivered, scheduled ? startsAt : null].filter((t) => t !== null);
  return candidates.length > 0 ? Math.min(...candidates) : null;
}

function describeSku(order: Order, sku: OrderSku, { billing, now }: BillingClock) {
  const model = modelOf(billing, sku.sku);
  const startsAt = scheduledStart(model, order.createdAt);
  return {
    sku: sku.sku,
    billingModel: modelName(model),
    billingStartsAt: iso(startsAt),
    billingSince: iso(billingSince(sku, startsAt, now)),
    billing: callState(sku.billing),
    endedAt: iso(sku.endedAt),
    end: callState(sku.end),
  };
}

/**
 * An order as the provider API answers it, with its usage per period and SKU when given.
 * Each SKU names its billing model, when the marketplace starts billing it by itself
 * (`billingStartsAt`; null for a manual SKU) and since when it is billed (`billingSince`).
 */
export function describeOrder(order: Order, clock: BillingClock, usage?: readonly UsageLine[]) {
  return {
    provisioningId: order.provisioningId,
    productId: order.productId,
    customerId: order.customerId,
    createdAt: iso(order.createdAt),
    terminatedAt: iso(order.terminatedAt),
    answer: order.answer,
    skus: order.skus.map((sku) => describeSku(order, sku, clock)),
    ...(usage && {
      usage: usage.map((line) => ({
        period: line.period,
        sku: line.sku,
        quantity: formatMicros(line.micros),
        events: line.events,
        report: line.report
          ? { ...callState(line.report), status: line.report.status, late: line.report.late }
          : { state: 'not-reported' },
      })),
    }),
  };
}
