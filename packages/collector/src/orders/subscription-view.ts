import { isHeld } from '../store/held-reports.js';
import type { Order, RelayRef } from '../store/orders.js';
import type { UsageLine } from '../store/usage.js';
import { formatMicros } from '../usage/decimal.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * The state of one marketplace call made for a SKU: `not-requested`, `pending` (queued or
 * being retried), `delivered` (the marketplace answered 2xx), `failed` (dead-lettered;
 * see the dashboard or `clm-collector status` for why, and replay it there) or, for usage
 * reports, `unconfirmed` (it may have been billed: an operator confirms or resends it) or
 * `held` (never sent: its count cannot go out exactly; `error` says why).
 */
export function callState(relay: RelayRef | null) {
  if (!relay) return { state: 'not-requested' as const };
  const state: 'pending' | 'delivered' | 'failed' | 'unconfirmed' | 'held' = isHeld(relay)
    ? 'held'
    : relay.status === 'delivered'
      ? 'delivered'
      : relay.status === 'dead'
        ? 'failed'
        : relay.status === 'unconfirmed'
          ? 'unconfirmed'
          : 'pending';
  return {
    state,
    relayId: relay.id,
    ...(relay.deliveredAt !== null && { deliveredAt: iso(relay.deliveredAt) }),
    ...(state !== 'pending' && state !== 'delivered' && { error: relay.lastError }),
  };
}

/** An order as the provider API answers it, with its usage per period and SKU when given. */
export function describeOrder(order: Order, usage?: readonly UsageLine[]) {
  return {
    provisioningId: order.provisioningId,
    productId: order.productId,
    customerId: order.customerId,
    createdAt: iso(order.createdAt),
    terminatedAt: iso(order.terminatedAt),
    answer: order.answer,
    skus: order.skus.map((sku) => ({
      sku: sku.sku,
      billing: callState(sku.billing),
      endedAt: iso(sku.endedAt),
      end: callState(sku.end),
    })),
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
