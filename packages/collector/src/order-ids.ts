import { z } from 'zod';

// How every request that names an order or its SKUs reads them (provisioning, the provider
// API on subscriptions, usage, the dashboard's forms): below the features, so that orders
// and usage share them without importing each other.

// Printable, no control characters: these end up in the marketplace's and the provider's
// records and on the dashboard.
const printable = /^[^\p{Cc}\p{Cs}]+$/u;

/** A required string field of at most `max` printable characters, errors naming it. */
export const textField = (name: string, max: number) =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined ? `${name} is required` : `${name} must be a string`,
    })
    .min(1, { error: `${name} must not be empty` })
    .max(max, { error: `${name} must be at most ${max} characters` })
    .regex(printable, { error: `${name} must not contain control characters` });

/** A SKU as the marketplace names it. */
export const skuSchema = textField('each SKU', 128);

/** A non-empty list of distinct SKUs. */
export const skuListSchema = z
  .array(skuSchema, {
    error: (issue) =>
      issue.input === undefined ? 'productSkus is required' : 'productSkus must be a list of SKUs',
  })
  .min(1, { error: 'productSkus must list at least one SKU' })
  .max(100, { error: 'productSkus must list at most 100 SKUs' })
  .refine((skus) => new Set(skus).size === skus.length, {
    error: 'productSkus must not list a SKU twice',
  });

/** A `provisioningId`. */
export const provisioningIdSchema = textField('provisioningId', 128);
