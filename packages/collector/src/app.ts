import express, { type Express } from 'express';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { errorAnswer } from './http/error-answer.js';
import { warnOnUntrustedForwardedFor } from './http/forwarded-for.js';
import { healthRouter } from './http/health-route.js';
import { metricsRouter } from './http/metrics-route.js';
import { failureLog, logsEveryRequest, requestLog } from './http/request-log.js';
import { lazyHandler } from './lazy-router.js';
import type { Logger } from './log.js';
import { type CollectorMetrics, createMetrics } from './metrics/collector-metrics.js';
import { type BillingModel, skuBillingFor } from './orders/billing-models.js';
import { provisionRouter } from './orders/provision-route.js';
import type { Provisioning } from './orders/provisioning.js';
import { subscriptionsRouter } from './orders/subscriptions-route.js';
import type { MarketplaceApi, MarketplaceEndpoints } from './outbox/kind.js';
import { tokenGuessLimit } from './security/rate-limit.js';
import type { Store } from './store/types.js';
import { useBeacons } from './tracking/beacons.js';
import { createPageSites, type PageSites } from './tracking/page-sites.js';
import { pixelRouter, readPixelScript } from './tracking/pixel-route.js';
import { apiPurchasesRouter } from './tracking/purchases-route.js';
import { doubtGauges } from './usage/doubt-gauges.js';
import { loadBillingCalendar } from './usage/settings.js';
import { usageRouter } from './usage/usage-route.js';

/** Beacons per client IP per minute unless configured (CLM_RATE_LIMIT_PER_MINUTE). */
export const DEFAULT_RATE_LIMIT = 600;

/** Refused bearer tokens per client IP per minute, across the token-guarded routes. */
export const TOKEN_GUESSES_PER_MINUTE = 10;

/**
 * `/readyz` limit on the oldest pending relay's wait unless configured: none. A load balancer
 * routing on readiness would stop sending beacons while the onramp is down, and lose them;
 * the limit is for monitors, which opt in.
 */
export const DEFAULT_READY_MAX_PENDING_SECONDS = 0;

/** Dependencies of {@link createApp}. */
export interface AppDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  config: Pick<Config, 'partnerKeys' | 'allowedOrigins'> &
    Partial<Pick<Config, 'rateLimitPerMinute' | 'purchaseRateLimitPerMinute' | 'trustProxy'>> &
    Partial<Pick<Config, 'serviceNames' | 'beaconPurchases'>> &
    Partial<Pick<Config, 'adminToken' | 'apiToken' | 'serviceName' | 'readyMaxPendingSeconds'>> &
    Partial<Pick<Config, 'billing'>> & {
      provisionToken?: string | null;
      /** The billing zone usage periods are read in; default America/Chicago. */
      billingZone?: string;
      /** The marketplace API in use; default v2. */
      marketplaceApi?: MarketplaceApi;
      /** The marketplace's endpoints, named on the admin's confirm pages. */
      marketplaceEndpoints?: MarketplaceEndpoints;
      /** Each SKU's billing model (`CLM_SKU_BILLING`); default: all manual. */
      skuBilling?: ReadonlyMap<string, BillingModel>;
    };
  /** Told when a purchase queued a relay (the relay worker). */
  relay?: { notify(): void };
  /** Shared with the relay worker; default: this app's own, without process metrics. */
  metrics?: CollectorMetrics;
  /** The pixel script; default: read `@clm/pixel/pixel.js` once, now. */
  pixelScript?: Buffer | null;
  /** Order provisioning (with `config.provisionToken`); absent: the endpoint answers 403. */
  provisioning?: Provisioning | null;
}

/** The paths behind a bearer token: they share one budget of wrong guesses per client. */
const TOKEN_PATHS = [
  '/metrics',
  '/admin/api',
  '/api/purchases',
  '/api/subscriptions',
  '/api/billing',
  '/api/usage',
];

/** Builds the collector's Express app; nothing listens until the caller does. */
export function createApp(deps: AppDeps): Express {
  const { store, clock, logger, config } = deps;
  const metrics =
    deps.metrics ??
    createMetrics({ store, clock, processMetrics: false, gauges: [doubtGauges(store)] });
  const app = express();
  app.disable('x-powered-by');
  // Express's weak ETags are not wanted on API answers; /pixel.js sets a strong one.
  app.set('etag', false);
  // Who the client is (rate limit): the socket address unless proxies are trusted.
  app.set('trust proxy', config.trustProxy ?? false);
  const warnForwarded = warnOnUntrustedForwardedFor(config.trustProxy ?? false, logger);
  const answerError = errorAnswer(logger);
  // First, so every answer (rate-limited and failed ones too) carries its request id.
  app.use(requestLog(logger));
  app.use(warnForwarded);
  app.use(pixelRouter(deps.pixelScript === undefined ? readPixelScript(logger) : deps.pixelScript));
  app.use(TOKEN_PATHS, tokenGuessLimit(TOKEN_GUESSES_PER_MINUTE));
  const pageSites = createPageSites({ logger, clock });
  useBeacons(app, {
    store,
    clock,
    logger,
    metrics,
    pageSites,
    partnerKeys: config.partnerKeys,
    allowedOrigins: config.allowedOrigins,
    serviceNames: config.serviceNames ?? [],
    beaconPurchases: config.beaconPurchases ?? 'relay',
    visitsPerMinute: config.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT,
    purchasesPerMinute: config.purchaseRateLimitPerMinute,
    onRelayQueued: () => deps.relay?.notify(),
    // The failure line of the request log, for beacons answered ahead of it.
    failures: logsEveryRequest(logger) ? null : failureLog(logger),
    warnForwarded,
    answerError: (error, req, res) => answerError(error, req, res, none),
  });
  useApiRoutes(app, deps, metrics);
  useAdminRoutes(app, deps, metrics, pageSites);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use(answerError);
  return app;
}

const none = () => {};

// What the provider's backend and the marketplace call: purchases, provisioning, orders'
// billing, usage.
function useApiRoutes(app: Express, deps: AppDeps, metrics: CollectorMetrics): void {
  const { store, clock, logger, config, relay } = deps;
  const apiToken = config.apiToken ?? null;
  const onRelayQueued = () => relay?.notify();
  const api = config.marketplaceApi ?? 'v2';
  app.use(
    apiPurchasesRouter({
      store,
      clock,
      logger,
      metrics,
      partnerKeys: config.partnerKeys,
      apiToken,
      serviceName: config.serviceName ?? null,
      serviceNames: config.serviceNames ?? [],
      onRelayQueued,
    }),
  );
  app.use(
    provisionRouter({
      provisioning: deps.provisioning ?? null,
      token: config.provisionToken ?? null,
      logger,
      onRefused: (reason) => metrics.provisioning(reason),
    }),
  );
  const skuBilling = skuBillingFor(api, config.skuBilling);
  app.use(subscriptionsRouter({ store, clock, logger, apiToken, onRelayQueued, api, skuBilling }));
  const zone = config.billingZone ?? 'America/Chicago';
  app.use(usageRouter({ store, clock, logger, apiToken, zone }));
}

// What the operator and monitoring see: metrics, the dashboard, health.
function useAdminRoutes(
  app: Express,
  deps: AppDeps,
  metrics: CollectorMetrics,
  pageSites: PageSites,
): void {
  const { store, clock, logger, config, relay } = deps;
  const adminToken = config.adminToken ?? null;
  const api = config.marketplaceApi ?? 'v2';
  app.use(metricsRouter({ metrics, adminToken, logger }));
  // Without a whole calendar, the defaults of CLM_USAGE_CLOSE_AT (and CLM_BILLING_TZ).
  const calendar = config.billing ?? loadBillingCalendar({ CLM_BILLING_TZ: config.billingZone });
  const skuBilling = skuBillingFor(api, config.skuBilling);
  const adminDeps = {
    store,
    clock,
    logger,
    token: adminToken,
    relay,
    calendar,
    api,
    skuBilling,
    pageSites,
    endpoints: config.marketplaceEndpoints,
  };
  // Loaded on the first request under /admin (see lazyHandler).
  app.use(
    '/admin',
    lazyHandler(async () => (await import('./admin/router.js')).adminRouter(adminDeps)),
  );
  const maxPendingSeconds = config.readyMaxPendingSeconds ?? DEFAULT_READY_MAX_PENDING_SECONDS;
  app.use(healthRouter({ store, clock, logger, maxPendingSeconds }));
}
