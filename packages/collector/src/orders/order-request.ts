import { orderDigest } from './order-digest.js';
import type { ProvisionRequest } from './provision-request.js';

/** A marketplace's provisioning request, as provisioning forwards and stores it. */
export interface OrderRequest {
  /** What repeats are recognised by (`NewOrder.requestKey`). */
  key: string;
  /** The request's digest: the same key with another is another order (409). */
  digest: string;
  /** The order's id: the request's `provisioningId`, or null for the provider's `customerId` (v1). */
  provisioningId: string | null;
  productId: number;
  productSkus: string[];
  /** The body, forwarded byte for byte. */
  rawBody: string;
}

/** A SaaS v2 request: recognised by its `provisioningId`. */
export function v2OrderRequest(request: ProvisionRequest, rawBody: string): OrderRequest {
  const { provisioningId, productId, productSkus } = request;
  const digest = orderDigest(rawBody);
  return { key: provisioningId, digest, provisioningId, productId, productSkus, rawBody };
}
