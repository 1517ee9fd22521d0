import { orderDigests } from './order-digest.js';
import { type ProvisionRequest, parseProvisionRequest } from './provision-request.js';

/** A marketplace's provisioning request, as provisioning forwards and stores it. */
export interface OrderRequest {
  /** What repeats are recognised by (`NewOrder.requestKey`). */
  key: string;
  /** The request's digest: the same key with another is another order (409). */
  digest: string;
  /** The key and digest the request had before digests were keyed, found in older rows. */
  legacy: { key: string; digest: string };
  /** The order's id: the request's `provisioningId`, or null for the provider's `customerId` (v1). */
  provisioningId: string | null;
  productId: number;
  productSkus: string[];
  /** The body, forwarded byte for byte. */
  rawBody: string;
}

/** A SaaS v2 request: recognised by its `provisioningId`; `secret` the digest key. */
export function v2OrderRequest(
  request: ProvisionRequest,
  rawBody: string,
  secret: string,
): OrderRequest {
  const { provisioningId, productId, productSkus } = request;
  const { digest, legacy } = orderDigests(rawBody, secret);
  return {
    key: provisioningId,
    digest,
    legacy: { key: provisioningId, digest: legacy },
    provisioningId,
    productId,
    productSkus,
    rawBody,
  };
}

/** A request read for provisioning, or why not (a sentence the buyer can read). */
export type ParsedOrder = { ok: true; request: OrderRequest } | { ok: false; error: string };

/** Reads a SaaS v2 provisioning body; `secret` the digest key. */
export function readV2Order(text: string, secret: string): ParsedOrder {
  const parsed = parseProvisionRequest(text);
  return parsed.ok ? { ok: true, request: v2OrderRequest(parsed.request, text, secret) } : parsed;
}
