import { isIP, isIPv4 } from 'node:net';
import { z } from 'zod';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from './log.js';
import { type BillingModel, type SkuBilling, skuBillingFor } from './orders/billing-models.js';
import { parseSkuBilling } from './orders/sku-billing-setting.js';
import { endpointsUnder, type MarketplaceEndpoints } from './outbox/kind.js';
import { isPostgresUrl } from './store/db-location.js';
import { isTimeZone, MARKETPLACE_ZONE, type TimeOfDay, wallTime } from './time/calendar.js';
import { tokenSchema } from './tracking/beacon-schema.js';
import { CUTOFF_MONTHS, findLateClose } from './usage/close-cutoff.js';

/** Settings of the relay worker (a subset of {@link Config}). */
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

/** The SaaS v2 side: the provisioning endpoint and the marketplace's billing endpoints. */
export interface MarketplaceConfig {
  /** `providerKey` of v2 calls (`CLM_PROVIDER_KEY`, else the single partner key). */
  providerKey: string | null;
  endpoints: MarketplaceEndpoints;
  /** `CLM_PROVISION_TOKEN`; null: no provisioning endpoint. */
  provisionToken: string | null;
  /** The provider's account-creation endpoint provisioning requests are forwarded to. */
  forwardUrl: string | null;
  /** Signs what is forwarded (HMAC-SHA256). */
  forwardSecret: string | null;
  /** Give up on the provider's endpoint after this many ms (the buyer is waiting). */
  forwardTimeoutMs: number;
  /** Which marketplace API the provider is on (`CLM_MARKETPLACE_API`). */
  api: 'v2' | 'v1';
  /** v1: the product's SKUs, which each order subscribes to (`CLM_V1_SKUS`). */
  v1Skus: readonly string[];
  /**
   * Each SKU's billing start as `CLM_SKU_BILLING` lists it (unlisted: manual). Ignored
   * under v1, which has no billing start (see `skuBillingFor`).
   */
  skuBilling: ReadonlyMap<string, BillingModel>;
}

/** The billing calendar (a subset of {@link Config}). */
export interface BillingConfig {
  /** IANA zone of the billing periods (`CLM_BILLING_TZ`). */
  zone: string;
  /** When a period closes on its last day, wall time in `zone` (`CLM_USAGE_CLOSE_AT`). */
  closeAt: TimeOfDay;
}

/** Validated collector configuration. */
export interface Config {
  onrampBaseUrl: string;
  port: number;
  host: string;
  partnerKeys: readonly string[];
  /** Page origins allowed to send beacons; empty means any. */
  allowedOrigins: readonly string[];
  /** `CLM_DB`: the SQLite file, or a `postgres://` / `postgresql://` URL (see `openStore`). */
  dbPath: string;
  /** PostgreSQL connections the collector opens at most (`CLM_DB_POOL_SIZE`). */
  dbPoolSize: number;
  adminToken: string | null;
  /** Bearer token of `POST /api/purchases`; null disables that endpoint. */
  apiToken: string | null;
  /** Service name of API purchases that name none. */
  serviceName: string | null;
  /** Services beacons and API purchases may name; empty means any. */
  serviceNames: readonly string[];
  /**
   * What a purchase beacon leads to: `relay` (a relay of its own, which the backend's
   * report takes over while undelivered) or `hold` (stored for the referral and the
   * funnel; only the backend's `POST /api/purchases` queues a relay).
   */
  beaconPurchases: BeaconPurchases;
  /** `/readyz` fails once a relay has waited longer than this; 0 disables the check. */
  readyMaxPendingSeconds: number;
  /** Visit beacons (and refused ones) accepted per client IP per minute. */
  rateLimitPerMinute: number;
  /**
   * Purchase beacons accepted per client IP per minute, a budget apart from visits;
   * default {@link PURCHASE_BUDGET_FACTOR} times `rateLimitPerMinute`.
   */
  purchaseRateLimitPerMinute: number;
  /** Express `trust proxy` value: which proxies' `X-Forwarded-For` to believe. */
  trustProxy: TrustProxy;
  relay: RelayConfig;
  marketplace: MarketplaceConfig;
  billing: BillingConfig;
  log: LogConfig;
}

/** How the collector logs (a subset of {@link Config}). */
export interface LogConfig {
  level: LogLevel;
  format: LogFormat;
}

/**
 * Purchase beacons per client IP per minute, unless configured: this many times the visits'
 * budget, so raising that one (many visitors behind one address) raises both.
 */
export const PURCHASE_BUDGET_FACTOR = 10;

/** What a purchase beacon leads to (`CLM_BEACON_PURCHASES`). */
export type BeaconPurchases = 'relay' | 'hold';

/** `false` (the socket address is the client), a hop count, or addresses/subnets to trust. */
export type TrustProxy = boolean | number | string[];

/** Raised for an invalid environment; the message names each offending variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const list = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

const httpUrl = z
  .string({ error: 'is required' })
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
    error: 'must be an http:// or https:// URL',
  })
  // The relay appends `/api/...`; a trailing slash would double it.
  .transform((value) => value.replace(/\/+$/, ''));

// An endpoint given whole (the marketplace's URLs end in a slash that matters).
const endpointUrl = z
  .string()
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
    error: 'must be an http:// or https:// URL',
  });

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: 'must be a whole number' })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `must be at least ${min}` })
        .max(max, { error: `must be at most ${max}` }),
    );

const int = (min: number, max: number, fallback: number) => wholeNumber(min, max).default(fallback);

const partnerKeys = z
  .string({ error: 'is required (comma-separated provider keys)' })
  .transform(list)
  .pipe(
    z
      .array(
        z
          .string()
          .regex(/^[\x21-\x7e]{1,128}$/, { error: 'keys must be 1-128 printable characters' }),
      )
      .min(1, { error: 'must list at least one provider key' }),
  );

const serviceNames = z
  .string()
  .transform(list)
  .pipe(
    z.array(
      z.string().regex(/^[\x21-\x7e]{1,128}$/, {
        error: 'each name must be 1-128 printable ASCII characters without spaces',
      }),
    ),
  )
  .default([]);

const origins = z
  .string()
  .transform(list)
  .pipe(
    z.array(
      z
        .string()
        .refine(
          (value) => URL.canParse(value) && new URL(value).origin === value.replace(/\/$/, ''),
          {
            error: 'each entry must be an origin such as https://www.example.com (no path)',
          },
        ),
    ),
  )
  .transform((values) => values.map((value) => new URL(value).origin))
  .default([]);

// Express's `trust proxy`: "false"/"true", a hop count, or comma-separated addresses,
// subnets (10.0.0.0/8) and the names loopback, linklocal, uniquelocal.
const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

// What Express's proxy-addr accepts: an address, address/prefix-length, IPv4
// address/netmask, or a name. Checked here so a typo is a configuration error naming the
// variable, not a crash when the app is built.
function isProxyEntry(entry: string): boolean {
  if (PROXY_NAMES.includes(entry)) return true;
  const [address = '', range, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (range === undefined) return true;
  if (/^\d{1,3}$/.test(range)) return Number(range) <= (family === 4 ? 32 : 128);
  return family === 4 && isIPv4(range);
}

const trustProxy = z
  .string()
  .transform((value, ctx): TrustProxy => {
    const trimmed = value.trim().toLowerCase();
    if (trimmed === 'false') return false;
    if (trimmed === 'true') return true;
    if (/^\d+$/.test(trimmed)) return Number(trimmed);
    const entries = list(value);
    const bad = entries.find((entry) => !isProxyEntry(entry));
    if (bad !== undefined || entries.length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: `must be false, true, a hop count or addresses/subnets (${PROXY_NAMES.join(', ')}); "${bad ?? value}" is none of these`,
      });
      return z.NEVER;
    }
    return entries;
  })
  .default(false);

// A SQLite path, or a PostgreSQL URL. The value is never echoed: a URL may hold a password.
const dbLocation = z
  .string()
  .refine((value) => !isPostgresUrl(value) || URL.canParse(value.trim()), {
    error:
      'is not a valid PostgreSQL URL (postgres://user:password@host:5432/database, special characters of the password percent-encoded); the value is not shown, it may hold a password',
  })
  .default('./data/collector.sqlite');

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((value) => value.trim().toLowerCase())
    .pipe(z.enum(values, { error: `must be one of ${values.join(', ')}` }));

const skuBilling = z
  .string()
  .transform((value, ctx) => {
    const read = parseSkuBilling(value);
    if (read.ok) return read.models;
    for (const problem of read.problems) ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  })
  .optional();

// The Authorization header carries the token as one word after "Bearer".
const bearerToken = z
  .string()
  .min(16, { error: 'must be at least 16 characters' })
  .regex(/^\S+$/, { error: 'must not contain whitespace' });

const envSchema = z.object({
  ONRAMP_BASE_URL: httpUrl,
  PORT: int(0, 65535, 8080),
  HOST: z.string().default('0.0.0.0'),
  CLM_PARTNER_KEYS: partnerKeys,
  CLM_ALLOWED_ORIGINS: origins,
  CLM_DB: dbLocation,
  CLM_DB_POOL_SIZE: int(1, 100, 10),
  CLM_ADMIN_TOKEN: bearerToken.optional(),
  CLM_API_TOKEN: bearerToken.optional(),
  CLM_SERVICE_NAME: tokenSchema.optional(),
  CLM_SERVICE_NAMES: serviceNames,
  CLM_BEACON_PURCHASES: z
    .string()
    .transform((value) => value.trim().toLowerCase())
    .pipe(z.enum(['relay', 'hold'], { error: 'must be one of relay, hold' }))
    .default('relay'),
  CLM_READY_MAX_PENDING_SECONDS: int(0, 31_536_000, 0),
  CLM_RATE_LIMIT_PER_MINUTE: int(1, 1_000_000, 600),
  // No default here: ten times CLM_RATE_LIMIT_PER_MINUTE (see loadConfig).
  CLM_PURCHASE_RATE_LIMIT_PER_MINUTE: wholeNumber(1, 10_000_000).optional(),
  CLM_TRUST_PROXY: trustProxy,
  CLM_PROVIDER_KEY: z
    .string()
    .regex(/^[\x21-\x7e]{1,128}$/, { error: 'must be 1-128 printable characters' })
    .optional(),
  CLM_START_BILLING_URL: endpointUrl.optional(),
  CLM_USAGE_URL: endpointUrl.optional(),
  CLM_USAGE_END_URL: endpointUrl.optional(),
  CLM_PROVISION_TOKEN: bearerToken.optional(),
  CLM_PROVISION_FORWARD_URL: endpointUrl.optional(),
  CLM_PROVISION_FORWARD_SECRET: z
    .string()
    .min(16, { error: 'must be at least 16 characters' })
    .optional(),
  CLM_PROVISION_TIMEOUT_MS: int(1, 120_000, 20_000),
  CLM_BILLING_TZ: z
    .string()
    .refine(isTimeZone, { error: 'must be an IANA time zone such as America/Chicago' })
    .default('America/Chicago'),
  CLM_USAGE_CLOSE_AT: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a time HH:MM' })
    .transform((value) => ({ hour: Number(value.slice(0, 2)), minute: Number(value.slice(3)) }))
    .default({ hour: 14, minute: 0 }),
  CLM_MARKETPLACE_API: oneOf(['v2', 'v1']).default('v2'),
  CLM_UPDATE_SUBSCRIPTION_URL: endpointUrl.optional(),
  CLM_V1_SKUS: z
    .string()
    .transform(list)
    .pipe(
      z.array(
        z.string().regex(/^[\x21-\x7e]{1,128}$/, {
          error: 'each SKU must be 1-128 printable ASCII characters without spaces',
        }),
      ),
    )
    .default([]),
  CLM_SKU_BILLING: skuBilling,
  // The seeds' own client waits 60 s for the marketplace; giving up sooner turns a slow
  // answer into a retry of a call that may have been taken.
  CLM_RELAY_TIMEOUT_MS: int(1, 600_000, 60_000),
  CLM_RELAY_MAX_AGE_HOURS: int(1, 24 * 365, 72),
  CLM_RELAY_CONCURRENCY: int(1, 64, 4),
  CLM_RELAY_BACKOFF_BASE_MS: int(1, 3_600_000, 1000),
  CLM_RELAY_BACKOFF_MAX_MS: int(1, 86_400_000, 600_000),
  CLM_RELAY_POLL_MS: int(1, 60_000, 500),
  CLM_SHUTDOWN_GRACE_MS: int(0, 600_000, 5000),
  CLM_LOG_LEVEL: oneOf(LOG_LEVELS).default('info'),
  // No default here: it depends on whether stdout is a terminal (see loadConfig).
  CLM_LOG_FORMAT: oneOf(LOG_FORMATS).optional(),
});

type Env = Readonly<Record<string, string | undefined>>;

function parseEnv<T extends z.ZodType>(schema: T, env: Env): z.output<T> {
  // A variable set to the empty string counts as unset, as in most deployment tools.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${String(issue.path[0])} ${issue.message}`);
  throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
}

/**
 * Reads and validates the collector configuration from environment variables; `terminal`
 * picks the default log format. Throws a {@link ConfigError} naming every invalid variable.
 */
export function loadConfig(env: Env = process.env, terminal: Terminal = {}): Config {
  const e = parseEnv(envSchema, env);
  // A token given to a backend (or to the marketplace) must not also open the admin pages.
  if (e.CLM_API_TOKEN !== undefined && e.CLM_API_TOKEN === e.CLM_ADMIN_TOKEN)
    throw new ConfigError('invalid configuration: CLM_API_TOKEN must differ from CLM_ADMIN_TOKEN');
  const provision = e.CLM_PROVISION_TOKEN;
  if (provision !== undefined && (provision === e.CLM_ADMIN_TOKEN || provision === e.CLM_API_TOKEN))
    throw new ConfigError(
      'invalid configuration: CLM_PROVISION_TOKEN must differ from CLM_ADMIN_TOKEN and CLM_API_TOKEN',
    );
  const names = e.CLM_SERVICE_NAMES;
  if (e.CLM_SERVICE_NAME !== undefined && names.length > 0 && !names.includes(e.CLM_SERVICE_NAME))
    throw new ConfigError(
      'invalid configuration: CLM_SERVICE_NAME must be one of CLM_SERVICE_NAMES',
    );
  // Held beacons wait for the backend's report: without the API nothing would be relayed.
  if (e.CLM_BEACON_PURCHASES === 'hold' && e.CLM_API_TOKEN === undefined)
    throw new ConfigError(
      'invalid configuration: CLM_BEACON_PURCHASES=hold needs CLM_API_TOKEN (only the backend reports purchases then)',
    );
  const providerKey =
    e.CLM_PROVIDER_KEY ??
    (e.CLM_PARTNER_KEYS.length === 1 ? (e.CLM_PARTNER_KEYS[0] ?? null) : null);
  if (provision !== undefined) {
    const missing = [
      e.CLM_PROVISION_FORWARD_URL === undefined && 'CLM_PROVISION_FORWARD_URL',
      e.CLM_PROVISION_FORWARD_SECRET === undefined && 'CLM_PROVISION_FORWARD_SECRET',
      providerKey === null && 'CLM_PROVIDER_KEY (CLM_PARTNER_KEYS lists more than one key)',
      // A v1 order names no SKU: usage and termination need the product's.
      e.CLM_MARKETPLACE_API === 'v1' && e.CLM_V1_SKUS.length === 0 && 'CLM_V1_SKUS (under v1)',
    ].filter(Boolean);
    if (missing.length > 0)
      throw new ConfigError(
        `invalid configuration: CLM_PROVISION_TOKEN is set, so ${missing.join(' and ')} must be set too`,
      );
  }
  return {
    onrampBaseUrl: e.ONRAMP_BASE_URL,
    port: e.PORT,
    host: e.HOST,
    partnerKeys: e.CLM_PARTNER_KEYS,
    allowedOrigins: e.CLM_ALLOWED_ORIGINS,
    dbPath: e.CLM_DB,
    dbPoolSize: e.CLM_DB_POOL_SIZE,
    adminToken: e.CLM_ADMIN_TOKEN ?? null,
    apiToken: e.CLM_API_TOKEN ?? null,
    serviceName: e.CLM_SERVICE_NAME ?? null,
    serviceNames: names,
    beaconPurchases: e.CLM_BEACON_PURCHASES,
    readyMaxPendingSeconds: e.CLM_READY_MAX_PENDING_SECONDS,
    rateLimitPerMinute: e.CLM_RATE_LIMIT_PER_MINUTE,
    purchaseRateLimitPerMinute:
      e.CLM_PURCHASE_RATE_LIMIT_PER_MINUTE ?? PURCHASE_BUDGET_FACTOR * e.CLM_RATE_LIMIT_PER_MINUTE,
    trustProxy: e.CLM_TRUST_PROXY,
    relay: {
      timeoutMs: e.CLM_RELAY_TIMEOUT_MS,
      maxAgeMs: e.CLM_RELAY_MAX_AGE_HOURS * 3_600_000,
      concurrency: e.CLM_RELAY_CONCURRENCY,
      backoffBaseMs: e.CLM_RELAY_BACKOFF_BASE_MS,
      backoffMaxMs: e.CLM_RELAY_BACKOFF_MAX_MS,
      pollMs: e.CLM_RELAY_POLL_MS,
      shutdownGraceMs: e.CLM_SHUTDOWN_GRACE_MS,
    },
    marketplace: {
      providerKey,
      endpoints: {
        ...endpointsUnder(e.ONRAMP_BASE_URL),
        ...(e.CLM_START_BILLING_URL && { startBilling: e.CLM_START_BILLING_URL }),
        ...(e.CLM_USAGE_URL && { usage: e.CLM_USAGE_URL }),
        ...(e.CLM_USAGE_END_URL && { usageEnd: e.CLM_USAGE_END_URL }),
        ...(e.CLM_UPDATE_SUBSCRIPTION_URL && {
          updateSubscription: e.CLM_UPDATE_SUBSCRIPTION_URL,
        }),
      },
      provisionToken: provision ?? null,
      forwardUrl: e.CLM_PROVISION_FORWARD_URL ?? null,
      forwardSecret: e.CLM_PROVISION_FORWARD_SECRET ?? null,
      forwardTimeoutMs: e.CLM_PROVISION_TIMEOUT_MS,
      api: e.CLM_MARKETPLACE_API,
      v1Skus: e.CLM_V1_SKUS,
      skuBilling: e.CLM_SKU_BILLING ?? new Map(),
    },
    billing: checkedCalendar(e.CLM_BILLING_TZ, e.CLM_USAGE_CLOSE_AT),
    log: logConfig(e, terminal),
  };
}

/** Reads only `ONRAMP_BASE_URL` (for `clm-collector track`). Throws a {@link ConfigError}. */
export function loadOnrampBaseUrl(env: Env = process.env): string {
  return parseEnv(envSchema.pick({ ONRAMP_BASE_URL: true }), env).ONRAMP_BASE_URL;
}

/** Reads only `CLM_DB` (for the admin commands). Throws a {@link ConfigError}. */
export function loadDbPath(env: Env = process.env): string {
  return parseEnv(envSchema.pick({ CLM_DB: true }), env).CLM_DB;
}

/**
 * Reads only `CLM_MARKETPLACE_API` and `CLM_SKU_BILLING`: the models in force (for
 * `clm-collector orders`). Throws a {@link ConfigError}.
 */
export function loadSkuBilling(env: Env = process.env): SkuBilling {
  const e = parseEnv(envSchema.pick({ CLM_MARKETPLACE_API: true, CLM_SKU_BILLING: true }), env);
  return skuBillingFor(e.CLM_MARKETPLACE_API, e.CLM_SKU_BILLING);
}

/**
 * Reads only `CLM_BILLING_TZ` and `CLM_USAGE_CLOSE_AT` (for the `usage` commands). Throws a
 * {@link ConfigError}.
 */
export function loadBillingCalendar(env: Env = process.env): BillingConfig {
  const e = parseEnv(envSchema.pick({ CLM_BILLING_TZ: true, CLM_USAGE_CLOSE_AT: true }), env);
  return checkedCalendar(e.CLM_BILLING_TZ, e.CLM_USAGE_CLOSE_AT);
}

const hhmm = ({ hour, minute }: TimeOfDay) =>
  `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;

/**
 * The billing calendar, refused (a {@link ConfigError} naming the month and a close that
 * works) when in a month of the next {@link CUTOFF_MONTHS} its close is an instant after
 * 15:30 Chicago time on the last day: the marketplace's blackout starts at 15:45.
 */
export function checkedCalendar(zone: string, closeAt: TimeOfDay, now = Date.now()): BillingConfig {
  const late = findLateClose(zone, closeAt, now);
  if (late === null) return { zone, closeAt };
  const chicago = hhmm(wallTime(late.close, MARKETPLACE_ZONE));
  throw new ConfigError(
    `invalid configuration: CLM_USAGE_CLOSE_AT ${hhmm(closeAt)} in ${zone} closes ${late.period} ` +
      `at ${chicago} Chicago time (${new Date(late.close).toISOString()}), after the ` +
      `marketplace's cutoff of 15:30 Chicago time on the month's last day; a close at ` +
      `${hhmm(late.latest)} or earlier works in every month of the next ${CUTOFF_MONTHS}`,
  );
}

/** Where output goes; decides the default log format. */
export interface Terminal {
  /** Logs default to `pretty` on a terminal, `json` otherwise (pipes, files, tests). */
  stdoutIsTty?: boolean;
}

const logConfig = (
  e: { CLM_LOG_LEVEL: LogLevel; CLM_LOG_FORMAT?: LogFormat | undefined },
  terminal: Terminal,
): LogConfig => ({
  level: e.CLM_LOG_LEVEL,
  format: e.CLM_LOG_FORMAT ?? (terminal.stdoutIsTty ? 'pretty' : 'json'),
});

/** Reads only `CLM_LOG_LEVEL` and `CLM_LOG_FORMAT` (for the sandbox). Throws a {@link ConfigError}. */
export function loadLogConfig(env: Env = process.env, terminal: Terminal = {}): LogConfig {
  return logConfig(
    parseEnv(envSchema.pick({ CLM_LOG_LEVEL: true, CLM_LOG_FORMAT: true }), env),
    terminal,
  );
}
