/** The settings the warnings read (of the collector's Config). */
export interface WarnedSettings {
  allowedOrigins: readonly string[];
  trustProxy: boolean | number | readonly string[];
  marketplace?: { api: 'v2' | 'v1'; skuBilling: ReadonlyMap<string, unknown> };
}

/**
 * What a provider should hear about at start: settings that leave beacons open to any
 * page, rate limits that do not see the real client, or billing starts the API ignores.
 */
export function startupWarnings(config: WarnedSettings): string[] {
  const warnings: string[] = [];
  // Not refused: switching a deployment to v1 and back should not need it unset.
  if (config.marketplace?.api === 'v1' && config.marketplace.skuBilling.size > 0)
    warnings.push(
      'CLM_SKU_BILLING is ignored under CLM_MARKETPLACE_API=v1: v1 has no billing start, every subscription bills from its order',
    );
  if (config.allowedOrigins.length === 0)
    warnings.push(
      "CLM_ALLOWED_ORIGINS is not set: beacons are accepted from any page; set it to your site's origins",
    );
  if (config.trustProxy === true)
    warnings.push(
      'CLM_TRUST_PROXY=true believes every X-Forwarded-For: a client that reaches the collector directly can pick its address and escape the rate limits; name the proxy (its address, subnet or hop count) instead',
    );
  if (config.trustProxy === false)
    warnings.push(
      'CLM_TRUST_PROXY is not set: each client is the address connecting to the collector; behind a reverse proxy or load balancer every visitor would share one rate-limit budget, so name the proxy in CLM_TRUST_PROXY',
    );
  return warnings;
}
