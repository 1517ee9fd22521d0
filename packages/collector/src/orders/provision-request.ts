import { z } from 'zod';
import { nestedTooDeep, TOO_DEEP } from '../json-depth.js';
import { provisioningIdSchema, skuListSchema } from '../order-ids.js';

// The marketplace adds whatever form fields the product configures (contactEmail,
// userAlias, ...): kept in the forwarded body, not checked here.
const provisionBody = z.looseObject(
  {
    provisioningId: provisioningIdSchema,
    productSkus: skuListSchema,
    productId: z
      .number({
        error: (issue) =>
          issue.input === undefined ? 'productId is required' : 'productId must be a number',
      })
      .int({ error: 'productId must be a whole number' })
      .min(0, { error: 'productId must not be negative' })
      .max(Number.MAX_SAFE_INTEGER, { error: 'productId is too large' }),
  },
  {
    error: (issue) =>
      issue.code === 'invalid_type' ? 'the order must be a JSON object' : undefined,
  },
);

/** A provisioning request's fields the collector relies on. */
export interface ProvisionRequest {
  provisioningId: string;
  productSkus: string[];
  productId: number;
}

/** Outcome of {@link parseProvisionRequest}. */
export type ParsedProvision =
  | { ok: true; request: ProvisionRequest }
  | { ok: false; error: string };

/**
 * Reads a provisioning body against `schema`. Errors are sentences a buyer can read: the
 * marketplace shows a 400's message on its order page.
 */
export function readOrderBody<T>(
  schema: z.ZodType<T>,
  text: string,
): { ok: true; data: T } | { ok: false; error: string } {
  // The order's digest reads it again recursively: a body too deep for that is refused.
  if (nestedTooDeep(text))
    return { ok: false, error: `The order could not be read (${TOO_DEEP}).` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: 'The order could not be read (it is not valid JSON).' };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? 'the order is invalid';
    return { ok: false, error: `The order is invalid: ${message}.` };
  }
  return { ok: true, data: parsed.data };
}

/** Validates the marketplace's SaaS v2 provisioning body. */
export function parseProvisionRequest(text: string): ParsedProvision {
  const parsed = readOrderBody(provisionBody, text);
  if (!parsed.ok) return parsed;
  const { provisioningId, productSkus, productId } = parsed.data;
  return { ok: true, request: { provisioningId, productSkus, productId } };
}
