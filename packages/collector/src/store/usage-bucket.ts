/** One (order, SKU, period) of usage as reported to the marketplace. */
export interface UsageBucket {
  provisioningId: string;
  sku: string;
  period: string;
  micros: bigint;
  customerId: string;
  providerKey: string;
  productId: number;
}
