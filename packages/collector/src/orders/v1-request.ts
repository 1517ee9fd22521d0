import { z } from 'zod';
import { textField } from '../order-ids.js';
import { orderDigests } from './order-digest.js';
import type { ParsedOrder } from './order-request.js';
import { readOrderBody } from './provision-request.js';

// Seed 003's required fields; the product's other fields (company, phone, ...) are
// forwarded as they came.
const v1Body = z.looseObject(
  {
    resellerkey: textField('resellerkey', 128),
    name: textField('name', 256),
    email: textField('email', 254),
  },
  {
    error: (issue) =>
      issue.code === 'invalid_type' ? 'the order must be a JSON object' : undefined,
  },
);

/**
 * Reads a v1 provisioning body (seed 003). It names no order id, no product and no SKU: the
 * order is recognised by its digest (an identical request is the marketplace repeating
 * itself), takes the provider's `coid` as its id, and subscribes to `skus`, the product's
 * SKUs (`CLM_V1_SKUS`). Its product id is 0: no v1 call carries one. `secret`: the digest key.
 */
export function readV1Order(text: string, skus: readonly string[], secret: string): ParsedOrder {
  const parsed = readOrderBody(v1Body, text);
  if (!parsed.ok) return parsed;
  const { digest, legacy } = orderDigests(text, secret);
  return {
    ok: true,
    request: {
      key: `v1:${digest}`,
      digest,
      legacy: { key: `v1:${legacy}`, digest: legacy },
      provisioningId: null,
      productId: 0,
      productSkus: [...skus],
      rawBody: text,
    },
  };
}
