import { z } from 'zod';
import { isCalendarDay } from './calendar-day.js';

// What the marketplace accepts, as far as the seed documents describe it. Every error
// names the field, so a 400 tells the caller exactly what to fix.

const required = (name: string) =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined ? `${name} is required` : `${name} must be a string`,
    })
    .min(1, { error: `${name} must not be empty` });

// An int in the seed: a JSON number that is an integer; "123" is refused, not coerced.
const integer = (name: string) =>
  z.int({
    error: (issue) =>
      issue.input === undefined ? `${name} is required` : `${name} must be an integer`,
  });

// A double in the seed: any finite JSON number (zod refuses NaN and Infinity).
const number = (name: string) =>
  z.number({
    error: (issue) =>
      issue.input === undefined ? `${name} is required` : `${name} must be a number`,
  });

const skuList = (name: string) =>
  z
    .array(
      z
        .string({ error: `${name} must contain only strings` })
        .min(1, { error: `${name} must not contain an empty SKU` }),
      {
        error: (issue) =>
          issue.input === undefined ? `${name} is required` : `${name} must be an array`,
      },
    )
    .min(1, { error: `${name} must not be empty` });

// Exactly these fields: a misspelt one (`customerid`) is refused rather than ignored.
const strictBody = <Shape extends z.ZodRawShape>(shape: Shape) =>
  z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unexpected field(s): ${issue.keys.join(', ')}`
        : 'body must be a JSON object',
  });

// The fields every SaaS v2 call carries.
const v2Base = {
  providerKey: required('providerKey'),
  customerId: required('customerId'),
  provisioningId: required('provisioningId'),
  productId: integer('productId'),
};

/** `POST /api/SaasTrackings`. */
export const trackingSchema = strictBody({
  partnerKey: required('partnerKey'),
  serviceName: required('serviceName'),
  customerId: required('customerId'),
  purchasedAt: required('purchasedAt').pipe(
    z.iso.datetime({ offset: true, error: 'purchasedAt must be an ISO-8601 date-time' }),
  ),
});

/** `POST /start-billing/`. */
export const startBillingSchema = strictBody({ ...v2Base, productSkus: skuList('productSkus') });

/** `POST /saas-usage/`. */
export const saasUsageSchema = strictBody({
  ...v2Base,
  productSku: required('productSku'),
  usageCount: number('usageCount'),
});

/** `POST /saas-usage/end`. */
export const saasUsageEndSchema = strictBody({ ...v2Base, productSkus: skuList('productSkus') });

// The day a customer terminated: a real day of the calendar, never any string.
const calendarDay = (name: string) =>
  required(name).refine(isCalendarDay, { error: `${name} must be a date YYYY-MM-DD` });

/**
 * `POST /update-subscription/` (v1, seed 003): `coid`, `expired`, `sku` and `providerkey`
 * required, `count` a number when given, `expired-date` (`YYYY-MM-DD`) required when
 * `expired` is true.
 */
export const updateSubscriptionSchema = strictBody({
  coid: required('coid'),
  expired: z.boolean({
    error: (issue) =>
      issue.input === undefined ? 'expired is required' : 'expired must be true or false',
  }),
  'expired-date': calendarDay('expired-date').optional(),
  sku: required('sku'),
  count: number('count').optional(),
  providerkey: required('providerkey'),
}).refine((body) => !body.expired || body['expired-date'] !== undefined, {
  error: 'expired-date is required when expired is true',
});
