import { z } from 'zod';
import { type TrustProxy, trustProxy } from './http/settings.js';
import {
  billingModelVariables,
  type OrdersSettings,
  ordersSettings,
  providerKeyVariable,
  provisionVariables,
} from './orders/settings.js';
import {
  endpointSettings,
  endpointVariables,
  type MarketplaceEndpoints,
  onrampVariable,
  type RelayConfig,
  relaySettings,
  relayVariables,
} from './outbox/settings.js';
import { ConfigError, type Env, parseEnv } from './settings/env.js';
import { bearerToken, int } from './settings/fields.js';
import { type LogConfig, logSettings, logVariables, type Terminal } from './settings/log.js';
import { isPostgresUrl } from './store/db-location.js';
import { type TrackingSettings, trackingSettings, trackingVariables } from './tracking/settings.js';
import { type BillingConfig, calendarVariables, checkedCalendar } from './usage/settings.js';

// Each feature declares its own variables and how they read (its settings.ts); this file
// puts them in one environment schema, checks what spans features (the secrets must
// differ) and composes the Config. The feature modules are re-exported for callers that
// read one part of the environment.
export type { TrustProxy } from './http/settings.js';
export { loadSkuBilling } from './orders/settings.js';
export { loadOnrampBaseUrl, type RelayConfig } from './outbox/settings.js';
export { ConfigError } from './settings/env.js';
export { type LogConfig, loadLogConfig, type Terminal } from './settings/log.js';
export {
  type BeaconPurchases,
  PURCHASE_BUDGET_FACTOR,
} from './tracking/settings.js';
export { type BillingConfig, checkedCalendar, loadBillingCalendar } from './usage/settings.js';

/** The SaaS v2 side: the provisioning endpoint and the marketplace's billing endpoints. */
export type MarketplaceConfig = OrdersSettings & { endpoints: MarketplaceEndpoints };

/** Validated collector configuration. */
export interface Config extends TrackingSettings {
  onrampBaseUrl: string;
  port: number;
  host: string;
  /** `CLM_DB`: the SQLite file, or a `postgres://` / `postgresql://` URL (see `openStore`). */
  dbPath: string;
  /** PostgreSQL connections the collector opens at most (`CLM_DB_POOL_SIZE`). */
  dbPoolSize: number;
  adminToken: string | null;
  /** Bearer token of `POST /api/purchases`; null disables that endpoint. */
  apiToken: string | null;
  /** `/readyz` fails once a relay has waited longer than this; 0 disables the check. */
  readyMaxPendingSeconds: number;
  /** Express `trust proxy` value: which proxies' `X-Forwarded-For` to believe. */
  trustProxy: TrustProxy;
  relay: RelayConfig;
  marketplace: MarketplaceConfig;
  billing: BillingConfig;
  log: LogConfig;
}

// A SQLite path, or a PostgreSQL URL. The value is never echoed: a URL may hold a password.
const dbLocation = z
  .string()
  .refine((value) => !isPostgresUrl(value) || URL.canParse(value.trim()), {
    error:
      'is not a valid PostgreSQL URL (postgres://user:password@host:5432/database, special characters of the password percent-encoded); the value is not shown, it may hold a password',
  })
  .default('./data/collector.sqlite');

const dbVariable = { CLM_DB: dbLocation };

// The collector's own variables, then each feature's, as the documentation lists them.
const envSchema = z.object({
  ...onrampVariable,
  PORT: int(0, 65535, 8080),
  HOST: z.string().default('0.0.0.0'),
  ...dbVariable,
  CLM_DB_POOL_SIZE: int(1, 100, 10),
  CLM_ADMIN_TOKEN: bearerToken.optional(),
  CLM_API_TOKEN: bearerToken.optional(),
  CLM_PROVISION_TOKEN: bearerToken.optional(),
  CLM_READY_MAX_PENDING_SECONDS: int(0, 31_536_000, 0),
  CLM_TRUST_PROXY: trustProxy,
  ...trackingVariables,
  ...providerKeyVariable,
  ...endpointVariables,
  ...provisionVariables,
  ...calendarVariables,
  ...billingModelVariables,
  ...relayVariables,
  ...logVariables,
});

type Secrets = Partial<
  Record<'CLM_ADMIN_TOKEN' | 'CLM_API_TOKEN' | 'CLM_PROVISION_TOKEN', string | undefined>
>;

// A token given to a backend (or to the marketplace) must not also open the admin pages.
function checkSecretsDiffer(e: Secrets): void {
  if (e.CLM_API_TOKEN !== undefined && e.CLM_API_TOKEN === e.CLM_ADMIN_TOKEN)
    throw new ConfigError('invalid configuration: CLM_API_TOKEN must differ from CLM_ADMIN_TOKEN');
  const provision = e.CLM_PROVISION_TOKEN;
  if (provision !== undefined && (provision === e.CLM_ADMIN_TOKEN || provision === e.CLM_API_TOKEN))
    throw new ConfigError(
      'invalid configuration: CLM_PROVISION_TOKEN must differ from CLM_ADMIN_TOKEN and CLM_API_TOKEN',
    );
}

/**
 * Reads and validates the collector configuration from environment variables; `terminal`
 * picks the default log format. Throws a {@link ConfigError} naming every invalid variable.
 */
export function loadConfig(env: Env = process.env, terminal: Terminal = {}): Config {
  const e = parseEnv(envSchema, env);
  checkSecretsDiffer(e);
  const tracking = trackingSettings(e, e.CLM_API_TOKEN);
  const orders = ordersSettings(e);
  return {
    onrampBaseUrl: e.ONRAMP_BASE_URL,
    port: e.PORT,
    host: e.HOST,
    ...tracking,
    dbPath: e.CLM_DB,
    dbPoolSize: e.CLM_DB_POOL_SIZE,
    adminToken: e.CLM_ADMIN_TOKEN ?? null,
    apiToken: e.CLM_API_TOKEN ?? null,
    readyMaxPendingSeconds: e.CLM_READY_MAX_PENDING_SECONDS,
    trustProxy: e.CLM_TRUST_PROXY,
    relay: relaySettings(e),
    marketplace: { ...orders, endpoints: endpointSettings(e) },
    billing: checkedCalendar(e.CLM_BILLING_TZ, e.CLM_USAGE_CLOSE_AT),
    log: logSettings(e, terminal),
  };
}

/** Reads only `CLM_DB` (for the admin commands). Throws a {@link ConfigError}. */
export function loadDbPath(env: Env = process.env): string {
  return parseEnv(z.object(dbVariable), env).CLM_DB;
}
