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

/** A field of the product's deployment form (seed 002's Product Deployment Configuration). */
export interface FormField {
  /** What the buyer reads; the JSON key is its camelCase (`Company Name` → `companyName`). */
  label: string;
  required: boolean;
}

/** The product the marketplace page sells. */
export interface SandboxProduct {
  /** The marketplace product id (an integer). */
  id: number;
  /** The SKUs the Buy form proposes. */
  skus: string[];
  name?: string;
  /**
   * Each SKU's billing start: `immediate`, `delay:Nd`, `next-month` or `manual` (the default
   * for a SKU not listed), as `CLM_SKU_BILLING` tells the collector.
   */
  billing?: Record<string, string>;
  /** The deployment form's fields, beside the SKUs; default none. */
  form?: FormField[];
}
