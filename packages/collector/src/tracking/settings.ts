import { z } from 'zod';
import { ConfigError } from '../settings/env.js';
import { int, list, PRINTABLE, printableList, wholeNumber } from '../settings/fields.js';
import { tokenSchema } from './beacon-schema.js';

/** What a purchase beacon leads to (`CLM_BEACON_PURCHASES`). */
export type BeaconPurchases = 'relay' | 'hold';

/**
 * Purchase beacons per client IP per minute, unless configured: this many times the visits'
 * budget, so raising that one (many visitors behind one address) raises both.
 */
export const PURCHASE_BUDGET_FACTOR = 10;

/** The tracking pixel's settings (a part of the collector's Config). */
export interface TrackingSettings {
  partnerKeys: readonly string[];
  /** Page origins allowed to send beacons; empty means any. */
  allowedOrigins: readonly string[];
  /** Service name of API purchases that name none. */
  serviceName: string | null;
  /** Services beacons and API purchases may name; empty means any. */
  serviceNames: readonly string[];
  /**
   * What a purchase beacon leads to: `relay` (a relay of its own, which the backend's
   * report takes over while undelivered) or `hold` (stored for the referral and the
   * funnel; only the backend's `POST /api/purchases` queues a relay).
   */
  beaconPurchases: BeaconPurchases;
  /** Visit beacons (and refused ones) accepted per client IP per minute. */
  rateLimitPerMinute: number;
  /**
   * Purchase beacons accepted per client IP per minute, a budget apart from visits;
   * default {@link PURCHASE_BUDGET_FACTOR} times `rateLimitPerMinute`.
   */
  purchaseRateLimitPerMinute: number;
}

const partnerKeys = z
  .string({ error: 'is required (comma-separated provider keys)' })
  .transform(list)
  .pipe(
    z
      .array(z.string().regex(PRINTABLE, { error: 'keys must be 1-128 printable characters' }))
      .min(1, { error: 'must list at least one provider key' }),
  );

const origins = z
  .string()
  .transform(list)
  .pipe(
    z.array(
      z
        .string()
        .refine(
          (value) => URL.canParse(value) && new URL(value).origin === value.replace(/\/$/, ''),
          {
            error: 'each entry must be an origin such as https://www.example.com (no path)',
          },
        ),
    ),
  )
  .transform((values) => values.map((value) => new URL(value).origin))
  .default([]);

/** The variables of tracking, as the collector's environment schema takes them. */
export const trackingVariables = {
  CLM_PARTNER_KEYS: partnerKeys,
  CLM_ALLOWED_ORIGINS: origins,
  CLM_SERVICE_NAME: tokenSchema.optional(),
  CLM_SERVICE_NAMES: printableList('name'),
  CLM_BEACON_PURCHASES: z
    .string()
    .transform((value) => value.trim().toLowerCase())
    .pipe(z.enum(['relay', 'hold'], { error: 'must be one of relay, hold' }))
    .default('relay'),
  CLM_RATE_LIMIT_PER_MINUTE: int(1, 1_000_000, 600),
  // No default here: ten times CLM_RATE_LIMIT_PER_MINUTE (see trackingSettings).
  CLM_PURCHASE_RATE_LIMIT_PER_MINUTE: wholeNumber(1, 10_000_000).optional(),
};

type TrackingEnv = z.output<z.ZodObject<typeof trackingVariables>>;

/**
 * The tracking settings from parsed variables; `apiToken` tells whether a backend can
 * report purchases. Throws a {@link ConfigError} for settings that contradict each other.
 */
export function trackingSettings(e: TrackingEnv, apiToken: string | undefined): TrackingSettings {
  const names = e.CLM_SERVICE_NAMES;
  if (e.CLM_SERVICE_NAME !== undefined && names.length > 0 && !names.includes(e.CLM_SERVICE_NAME))
    throw new ConfigError(
      'invalid configuration: CLM_SERVICE_NAME must be one of CLM_SERVICE_NAMES',
    );
  // Held beacons wait for the backend's report: without the API nothing would be relayed.
  if (e.CLM_BEACON_PURCHASES === 'hold' && apiToken === undefined)
    throw new ConfigError(
      'invalid configuration: CLM_BEACON_PURCHASES=hold needs CLM_API_TOKEN (only the backend reports purchases then)',
    );
  return {
    partnerKeys: e.CLM_PARTNER_KEYS,
    allowedOrigins: e.CLM_ALLOWED_ORIGINS,
    serviceName: e.CLM_SERVICE_NAME ?? null,
    serviceNames: names,
    beaconPurchases: e.CLM_BEACON_PURCHASES,
    rateLimitPerMinute: e.CLM_RATE_LIMIT_PER_MINUTE,
    purchaseRateLimitPerMinute:
      e.CLM_PURCHASE_RATE_LIMIT_PER_MINUTE ?? PURCHASE_BUDGET_FACTOR * e.CLM_RATE_LIMIT_PER_MINUTE,
  };
}
