import { z } from 'zod';
import { type Env, parseEnv } from '../settings/env.js';
import { endpointUrl, httpUrl, int } from '../settings/fields.js';
import { endpointsUnder, type MarketplaceEndpoints } from './kind.js';

export type { MarketplaceEndpoints } from './kind.js';

/** Settings of the relay worker (a part of the collector's Config). */
export interface RelayConfig {
  /** Abort an onramp call after this many ms. */
  timeoutMs: number;
  /** Retry a relay until it is this old, then dead-letter it. */
  maxAgeMs: number;
  /** At most this many onramp calls at once. */
  concurrency: number;
  /** First retry delay before jitter; doubles per attempt. */
  backoffBaseMs: number;
  /** Upper bound of a retry delay. */
  backoffMaxMs: number;
  /** Look for due relays at least this often. */
  pollMs: number;
  /** On shutdown, wait this long for onramp calls in progress. */
  shutdownGraceMs: number;
  /** A claim's lease, renewed every third of it while the call runs (tests shorten it). */
  leaseMs?: number;
}

/** Where the marketplace is: its base URL. */
export const onrampVariable = { ONRAMP_BASE_URL: httpUrl };

/** The marketplace's endpoints given one by one, over those under `ONRAMP_BASE_URL`. */
export const endpointVariables = {
  CLM_START_BILLING_URL: endpointUrl.optional(),
  CLM_USAGE_URL: endpointUrl.optional(),
  CLM_USAGE_END_URL: endpointUrl.optional(),
  CLM_UPDATE_SUBSCRIPTION_URL: endpointUrl.optional(),
};

/** The relay worker's timing. */
export const relayVariables = {
  // The seeds' own client waits 60 s for the marketplace; giving up sooner turns a slow
  // answer into a retry of a call that may have been taken.
  CLM_RELAY_TIMEOUT_MS: int(1, 600_000, 60_000),
  CLM_RELAY_MAX_AGE_HOURS: int(1, 24 * 365, 72),
  CLM_RELAY_CONCURRENCY: int(1, 64, 4),
  CLM_RELAY_BACKOFF_BASE_MS: int(1, 3_600_000, 1000),
  CLM_RELAY_BACKOFF_MAX_MS: int(1, 86_400_000, 600_000),
  CLM_RELAY_POLL_MS: int(1, 60_000, 500),
  CLM_SHUTDOWN_GRACE_MS: int(0, 600_000, 5000),
};

type EndpointEnv = z.output<z.ZodObject<typeof onrampVariable & typeof endpointVariables>>;

/** Every marketplace endpoint: the one given, else the one under the base URL. */
export function endpointSettings(e: EndpointEnv): MarketplaceEndpoints {
  return {
    ...endpointsUnder(e.ONRAMP_BASE_URL),
    ...(e.CLM_START_BILLING_URL && { startBilling: e.CLM_START_BILLING_URL }),
    ...(e.CLM_USAGE_URL && { usage: e.CLM_USAGE_URL }),
    ...(e.CLM_USAGE_END_URL && { usageEnd: e.CLM_USAGE_END_URL }),
    ...(e.CLM_UPDATE_SUBSCRIPTION_URL && {
      updateSubscription: e.CLM_UPDATE_SUBSCRIPTION_URL,
    }),
  };
}

/** The relay worker's settings from parsed variables. */
export function relaySettings(e: z.output<z.ZodObject<typeof relayVariables>>): RelayConfig {
  return {
    timeoutMs: e.CLM_RELAY_TIMEOUT_MS,
    maxAgeMs: e.CLM_RELAY_MAX_AGE_HOURS * 3_600_000,
    concurrency: e.CLM_RELAY_CONCURRENCY,
    backoffBaseMs: e.CLM_RELAY_BACKOFF_BASE_MS,
    backoffMaxMs: e.CLM_RELAY_BACKOFF_MAX_MS,
    pollMs: e.CLM_RELAY_POLL_MS,
    shutdownGraceMs: e.CLM_SHUTDOWN_GRACE_MS,
  };
}

/** Reads only `ONRAMP_BASE_URL` (for `clm-collector track`). Throws a ConfigError. */
export function loadOnrampBaseUrl(env: Env = process.env): string {
  return parseEnv(z.object(onrampVariable), env).ONRAMP_BASE_URL;
}
