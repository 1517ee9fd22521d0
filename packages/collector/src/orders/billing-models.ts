import type { MarketplaceApi } from '../outbox/kind.js';
import {
  MARKETPLACE_ZONE,
  nextPeriod,
  parsePeriod,
  periodOf,
  zonedTime,
} from '../time/calendar.js';

/**
 * When the marketplace starts billing a SKU (seed 002, "Delayed Billing Start"): on
 * `/start-billing/` only (`manual`), with the order (`immediate`), a number of days after
 * it (`delay`), or on the 1st of the month after it (`next-month`).
 */
export type BillingModel =
  | { kind: 'manual' }
  | { kind: 'immediate' }
  | { kind: 'delay'; days: number }
  | { kind: 'next-month' };

/** The product's models by SKU (`CLM_SKU_BILLING`) and the model of a SKU not listed. */
export interface SkuBilling {
  models: ReadonlyMap<string, BillingModel>;
  fallback: BillingModel;
}

const DAY_MS = 86_400_000;

/** Longest `delay:Nd` accepted: a year. */
export const MAX_DELAY_DAYS = 365;

/** The models a SKU may have, as an error message lists them. */
export const MODEL_NAMES = 'manual, immediate, delay:Nd (N 1-365) or next-month';

/** Reads one model (`manual`, `immediate`, `delay:Nd`, `next-month`; any case); null otherwise. */
export function parseBillingModel(text: string): BillingModel | null {
  const model = text.trim().toLowerCase();
  if (model === 'manual' || model === 'immediate' || model === 'next-month') return { kind: model };
  const delay = /^delay:([1-9]\d{0,2})d$/.exec(model);
  const days = Number(delay?.[1]);
  return delay && days <= MAX_DELAY_DAYS ? { kind: 'delay', days } : null;
}

/**
 * The models in force: `CLM_SKU_BILLING`'s under v2 (manual when unlisted); under v1 every
 * SKU bills from its order, as seed 003 has no billing start.
 */
export function skuBillingFor(
  api: MarketplaceApi,
  models: ReadonlyMap<string, BillingModel> = new Map(),
): SkuBilling {
  if (api === 'v1') return { models: new Map(), fallback: { kind: 'immediate' } };
  return { models, fallback: { kind: 'manual' } };
}

/** The model of one SKU. */
export const modelOf = (billing: SkuBilling, sku: string): BillingModel =>
  billing.models.get(sku) ?? billing.fallback;

/** A model as `CLM_SKU_BILLING` writes it: `manual`, `immediate`, `delay:3d`, `next-month`. */
export function modelName(model: BillingModel): string {
  return model.kind === 'delay' ? `delay:${model.days}d` : model.kind;
}

/**
 * When the marketplace starts billing a SKU by itself, for an order created at `orderedAt`;
 * null for a manual SKU, which waits for `/start-billing/`. A delay counts whole days of
 * 24 hours; the 1st of next month is midnight in Chicago, the marketplace's clock.
 */
export function scheduledStart(model: BillingModel, orderedAt: number): number | null {
  if (model.kind === 'manual') return null;
  if (model.kind === 'immediate') return orderedAt;
  if (model.kind === 'delay') return orderedAt + model.days * DAY_MS;
  const { year, month } = parsePeriod(nextPeriod(periodOf(orderedAt, MARKETPLACE_ZONE)));
  return zonedTime({ year, month, day: 1 }, { hour: 0, minute: 0 }, MARKETPLACE_ZONE);
}
