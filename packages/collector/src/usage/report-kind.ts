import { z } from 'zod';
import { type Pause, type RelayKindSpec, rulesOf } from '../outbox/kind.js';
import { type Attempt, type Decision, decide, type RetryPolicy } from '../outbox/policy.js';
import type { NewRelay, Relay } from '../store/outbox.js';
import type { UsageBucket } from '../store/usage.js';
import { blackout, MARKETPLACE_ZONE, nextPeriod, periodOf } from '../time/calendar.js';
import { EXACT_DIGITS, formatMicros, significantDigits } from './decimal.js';

/** Body of `/saas-usage/` (seed 002), `usageCount` kept as the exact decimal text. */
const usageReportPayload = z.strictObject({
  providerKey: z.string(),
  customerId: z.string(),
  provisioningId: z.string(),
  productSku: z.string(),
  productId: z.number().int(),
  usageCount: z.string().regex(/^\d+(\.\d{1,6})?$/),
});

/** A `/saas-usage/` body as stored. */
export type UsageReport = z.output<typeof usageReportPayload>;

/**
 * Every report adds to the buyer's bill and the endpoint has no idempotency key, so a
 * report is sent again by itself only when it certainly did not arrive: the connection
 * failed before the request was written, or 429. A 4xx is dead with its message. A 5xx, a
 * timeout or a connection lost after writing is unconfirmed: an operator decides.
 */
export function decideReport(attempt: Attempt, policy: RetryPolicy): Decision {
  const { result } = attempt;
  if (result.type === 'network-error') {
    if (result.notSent) return decide(attempt, policy);
    const reason = result.timedOut ? result.error : `connection lost: ${result.error}`;
    return { action: 'unconfirmed', reason: `${reason}; the marketplace may have recorded it` };
  }
  const { status } = result;
  if (status === 429 || (status >= 200 && status < 300)) return decide(attempt, policy);
  if (status >= 500)
    return {
      action: 'unconfirmed',
      reason: `HTTP ${status}; the marketplace may have recorded it`,
    };
  // Refused: not billed. The marketplace's own words say what to fix.
  const message = result.body.replace(/\s+/g, ' ').trim().slice(0, 300);
  return {
    action: 'dead',
    reason: `HTTP ${status}: refused by the marketplace${message && `: ${message}`}`,
  };
}

/** The month-end blackout (`time/calendar`), as the pause usage reports wait out. */
export const monthEndBlackout: Pause = {
  name: 'blackout',
  // The blackouts of this Chicago month and the one before (near midnight UTC the month
  // may still be the previous one there): hours from any month's start or end.
  around: (now) => {
    const here = periodOf(now, MARKETPLACE_ZONE);
    return [blackout(nextPeriod(here, -1)), blackout(here)];
  },
};

/** `/saas-usage/`: one per order, SKU and period; never resent unless surely not received. */
export const usageReportKind: RelayKindSpec<UsageReport, 'usage_report'> = {
  kind: 'usage_report',
  payload: usageReportPayload,
  // Per order, SKU and period: the period is part of the identity, not of the body.
  dedupeKey: (payload, period) =>
    JSON.stringify([payload.provisioningId, payload.productSku, period]),
  url: (endpoints) => endpoints.usage,
  call: '/saas-usage/',
  // The count goes out as a JSON number written from the exact decimal, not via a double.
  body: ({ usageCount, ...rest }) =>
    `${JSON.stringify(rest).slice(0, -1)},"usageCount":${usageCount}}`,
  decide: decideReport,
  lateFrom: (relay: Relay) => (relay.period === null ? null : blackout(relay.period).start),
  // Never in the month-end blackout (a report then lands on the next month's bill, or is
  // refused); and a report may have been billed whenever its answer is lost.
  delivery: { pause: monthEndBlackout, atMostOnce: true },
};

/**
 * Why a count must not be sent, or undefined: one with more significant digits than a
 * double carries would arrive rounded, so it is held for the operator instead.
 */
export function heldReason(usageCount: string): string | undefined {
  const digits = significantDigits(usageCount);
  if (digits <= EXACT_DIGITS) return undefined;
  return (
    `usage count ${usageCount} has ${digits} significant digits; usageCount is a JSON ` +
    `number, which carries ${EXACT_DIGITS} exactly, so it would be billed rounded. Never sent: ` +
    'settle it with the marketplace by hand'
  );
}

/**
 * The `/saas-usage/` report of a bucket; held (queued dead, never sent) when its count
 * cannot go out exactly.
 */
export function usageReportRelay(bucket: UsageBucket, now: number): NewRelay {
  const { provisioningId, sku, period, customerId, providerKey, productId } = bucket;
  const usageCount = formatMicros(bucket.micros);
  const payload = {
    providerKey,
    customerId,
    provisioningId,
    productSku: sku,
    productId,
    usageCount,
  };
  const held = heldReason(usageCount);
  return {
    ...(held !== undefined && { held }),
    kind: usageReportKind.kind,
    dedupeKey: usageReportKind.dedupeKey(payload, period),
    partnerKey: providerKey,
    serviceName: null,
    customerId,
    orderId: provisioningId,
    sku,
    period,
    payload,
    purchasedAt: null,
    createdAt: now,
    rules: rulesOf(usageReportKind),
  };
}
