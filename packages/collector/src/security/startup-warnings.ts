import type { Config } from '../config.js';

/**
 * What a provider should hear about at start: settings that leave beacons open to any
 * page, or rate limits that do not see the real client.
 */
export function startupWarnings(config: Pick<Config, 'allowedOrigins' | 'trustProxy'>): string[] {
  const warnings: string[] = [];
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
