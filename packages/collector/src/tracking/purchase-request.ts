import { z } from 'zod';
import type { StoredReferral } from '../store/types.js';
import { customerIdSchema, tokenSchema } from './beacon-schema.js';
import { apiReferralSchema, readReferral } from './referral-schema.js';

/** How far ahead of the collector's clock a `purchasedAt` may be (clock skew). */
export const MAX_FUTURE_MS = 5 * 60_000;

// Earlier dates are typos (a year 0205), not purchases the marketplace could have driven.
const EARLIEST_PURCHASE = Date.parse('2000-01-01T00:00:00Z');

const purchaseBody = z.strictObject(
  {
    customerId: customerIdSchema,
    serviceName: tokenSchema.optional(),
    partnerKey: tokenSchema.optional(),
    purchasedAt: z.iso
      .datetime({
        offset: true,
        error: 'must be an ISO-8601 date-time with a zone, such as 2025-03-01T12:00:00Z',
      })
      .optional(),
    // Checked apart (readReferral): one the collector cannot use costs only itself. `at`
    // may be left out: a backend forwarding what `clmPixel.referral()` returned sends it,
    // one that only kept the id does not; null is what it returns when there is none.
    referral: z.unknown().optional(),
  },
  {
    error: (issue) => (issue.code === 'invalid_type' ? 'body must be a JSON object' : undefined),
  },
);

/** A purchase reported by a provider's backend, resolved against the configuration. */
export interface ApiPurchase {
  partnerKey: string;
  serviceName: string;
  customerId: string;
  /** Ms since the epoch: the body's `purchasedAt`, else the receipt time. */
  purchasedAt: number;
  referral: StoredReferral | null;
}

/**
 * Outcome of {@link parsePurchaseRequest}: the purchase (without a referral it could not
 * use, and why), or the status and reason to answer.
 */
export type ParsedPurchase =
  | { ok: true; purchase: ApiPurchase; referralDropped?: string }
  | { ok: false; status: 400 | 403; error: string };

/** What a request is checked against. */
export interface PurchaseDefaults {
  partnerKeys: readonly string[];
  /** `CLM_SERVICE_NAME`, used when the body has no `serviceName`. */
  serviceName: string | null;
  /** `CLM_SERVICE_NAMES`: the services purchases may name; absent or empty, any. */
  serviceNames?: readonly string[];
  /** Receipt time, ms since the epoch. */
  now: number;
}

const invalid = (error: string): ParsedPurchase => ({ ok: false, status: 400, error });

/**
 * Validates a `POST /api/purchases` JSON body and fills in the provider key, service
 * name, purchase time and referral time the body may leave out.
 */
export function parsePurchaseRequest(text: string, defaults: PurchaseDefaults): ParsedPurchase {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return invalid('body is not valid JSON');
  }
  const result = purchaseBody.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return invalid(`${path}${issue?.message ?? 'invalid purchase'}`);
  }
  const body = result.data;
  const { partnerKeys, now } = defaults;

  const partnerKey = body.partnerKey ?? (partnerKeys.length === 1 ? partnerKeys[0] : undefined);
  if (partnerKey === undefined)
    return invalid('partnerKey: is required when CLM_PARTNER_KEYS lists more than one key');
  if (!partnerKeys.includes(partnerKey))
    return { ok: false, status: 403, error: 'unknown provider key' };

  const serviceName = body.serviceName ?? defaults.serviceName;
  if (serviceName === null)
    return invalid('serviceName: is required (CLM_SERVICE_NAME is not set)');
  const { serviceNames = [] } = defaults;
  if (serviceNames.length > 0 && !serviceNames.includes(serviceName))
    return { ok: false, status: 403, error: 'unknown service name' };

  const purchasedAt = body.purchasedAt === undefined ? now : Date.parse(body.purchasedAt);
  if (purchasedAt > now + MAX_FUTURE_MS)
    return invalid('purchasedAt: must not be more than 5 minutes in the future');
  if (purchasedAt < EARLIEST_PURCHASE) return invalid('purchasedAt: must not be before 2000');

  const { referral: ref, dropped } = readReferral(apiReferralSchema, body.referral, 'referral');
  const purchase: ApiPurchase = {
    partnerKey,
    serviceName,
    customerId: body.customerId,
    purchasedAt,
    referral: ref ? { id: ref.id, at: ref.at ?? now, ...(ref.utm && { utm: ref.utm }) } : null,
  };
  return dropped === undefined
    ? { ok: true, purchase }
    : { ok: true, purchase, referralDropped: dropped };
}
