import {
  MARKETPLACE_ZONE,
  nextPeriod,
  parsePeriod,
  periodOf,
  zonedTime,
} from '../usage/calendar.js';

/**
 * When a SKU's billing starts (seed 002, "Delayed Billing Start"): at the order, after an
 * expected delay, on the 1st of the next month, or when the provider starts it.
 */
export type BillingStart =
  | { model: 'immediate' }
  | { model: 'delay'; days: number }
  | { model: 'next-month' }
  | { model: 'manual' };

/** A SKU the product configures no model for waits for `/start-billing/`, as the collector assumes. */
export const DEFAULT_BILLING_START: BillingStart = { model: 'manual' };

// The longest expected delay the sandbox accepts: a year covers any real deployment.
const MAX_DELAY_DAYS = 366;

/** Reads `manual`, `immediate`, `next-month` or `delay:Nd` (N from 1 to 366); null otherwise. */
export function parseBillingStart(text: string): BillingStart | null {
  const value = text.trim().toLowerCase();
  if (value === 'manual' || value === 'immediate' || value === 'next-month')
    return { model: value };
  const delay = /^delay:(\d{1,3})d$/.exec(value);
  const days = Number(delay?.[1]);
  return delay && days >= 1 && days <= MAX_DELAY_DAYS ? { model: 'delay', days } : null;
}

/** The model as configured: `delay:3d`, `manual`. */
export const billingStartText = (start: BillingStart): string =>
  start.model === 'delay' ? `delay:${start.days}d` : start.model;

/** The model in a buyer's words, for the Bill page. */
export function describeBillingStart(start: BillingStart): string {
  if (start.model === 'immediate') return 'immediately';
  if (start.model === 'delay')
    return `${start.days} day${start.days === 1 ? '' : 's'} after the order`;
  if (start.model === 'next-month') return 'on the 1st of the month after the order';
  return 'when the provider starts it';
}

/**
 * When billing starts by itself for an order placed at `orderedAt` (ms); null for a manual
 * SKU. The next month begins at midnight in Chicago, the marketplace's zone.
 */
export function scheduledStart(start: BillingStart, orderedAt: number): number | null {
  if (start.model === 'immediate') return orderedAt;
  if (start.model === 'delay') return orderedAt + start.days * 86_400_000;
  if (start.model === 'next-month') {
    const { year, month } = parsePeriod(nextPeriod(periodOf(orderedAt, MARKETPLACE_ZONE)));
    return zonedTime({ year, month, day: 1 }, { hour: 0, minute: 0 }, MARKETPLACE_ZONE);
  }
  return null;
}
