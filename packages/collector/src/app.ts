import express, {
  type ErrorRequestHandler,
  type Express,
  type Request,
  type Response,
} from 'express';
import { adminRouter } from './admin/router.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { warnOnUntrustedForwardedFor } from './http/forwarded-for.js';
import { healthRouter } from './http/health-route.js';
import { metricsRouter } from './http/metrics-route.js';
import { failureLog, logsEveryRequest, requestLog } from './http/request-log.js';
import { adopt, routeAhead } from './http/route-ahead.js';
import type { Logger } from './log.js';
import { type CollectorMetrics, createMetrics } from './metrics/collector-metrics.js';
import { type BillingModel, skuBillingFor } from './orders/billing-models.js';
import { provisionRouter } from './orders/provision-route.js';
import type { Provisioning } from './orders/provisioning.js';
import { subscriptionsRouter } from './orders/subscriptions-route.js';
import type { MarketplaceApi } from './outbox/kind.js';
import { tokenGuessLimit } from './security/rate-limit.js';
import type { Store } from './store/types.js';
import { isPlainBeacon, takeBeacon } from './tracking/beacon-ahead.js';
import { beaconBudgets } from './tracking/beacon-budgets.js';
import { createBeaconIntake } from './tracking/beacon-intake.js';
import { beaconRouter } from './tracking/beacon-route.js';
import { createPageSites } from './tracking/page-sites.js';
import { pixelRouter, readPixelScript } from './tracking/pixel-route.js';
import { apiPurchasesRouter } from './tracking/purchases-route.js';
import { PURCHASE_BUDGET_FACTOR } from './tracking/settings.js';
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

/** Builds the collector's Express app; nothing listens until the caller does. */
export function createApp(deps: AppDeps): Express {
  const { store, clock, logger, config, relay } = deps;
  const metrics = deps.metrics ?? createMetrics({ store, clock, processMetrics: false });
  const visitsPerMinute = config.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT;
  const api = config.marketplaceApi ?? 'v2';
  const skuBilling = skuBillingFor(api, config.skuBilling);
  const app = express();
  app.disable('x-powered-by');
  // Express's weak ETags are not wanted on API answers; /pixel.js sets a strong one.
  app.set('etag', false);
  // Who the client is (rate limit): the socket address unless proxies are trusted.
  app.set('trust proxy', config.trustProxy ?? false);

  // First, so every answer (rate-limited and failed ones too) carries its request id.
  const warnForwarded = warnOnUntrustedForwardedFor(config.trustProxy ?? false, logger);
  app.use(requestLog(logger));
  app.use(warnForwarded);
  app.use(pixelRouter(deps.pixelScript === undefined ? readPixelScript(logger) : deps.pixelScript));
  // Bearer-token surfaces share one budget of wrong guesses per client.
  app.use(
    [
      '/metrics',
      '/admin/api',
      '/api/purchases',
      '/api/subscriptions',
      '/api/billing',
      '/api/usage',
    ],
    tokenGuessLimit(TOKEN_GUESSES_PER_MINUTE),
  );
  const pageSites = createPageSites({ logger, clock });
  const beacons = createBeaconIntake({
    store,
    clock,
    logger,
    pageSites,
    partnerKeys: config.partnerKeys,
    allowedOrigins: config.allowedOrigins,
    serviceNames: config.serviceNames ?? [],
    beaconPurchases: config.beaconPurchases ?? 'relay',
    // Applied once a beacon is parsed: purchases have a budget of their own.
    limits: beaconBudgets({
      visits: visitsPerMinute,
      purchases: config.purchaseRateLimitPerMinute ?? PURCHASE_BUDGET_FACTOR * visitsPerMinute,
    }),
    metrics,
    onRelayQueued: () => relay?.notify(),
    onError: (error, req, res) => failedBeacon(error, req, res),
    onServerError: (res) => failures?.watch(res),
  });
  const countRefused = (outcome: 'invalid' | 'origin_refused') =>
    metrics.beacon('unknown', outcome);
  app.use(
    beaconRouter({
      intake: beacons,
      allowedOrigins: config.allowedOrigins,
      onRefused: countRefused,
    }),
  );
  app.use(
    apiPurchasesRouter({
      store,
      clock,
      logger,
      metrics,
      partnerKeys: config.partnerKeys,
      apiToken: config.apiToken ?? null,
      serviceName: config.serviceName ?? null,
      serviceNames: config.serviceNames ?? [],
      onRelayQueued: () => relay?.notify(),
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
  app.use(
    subscriptionsRouter({
      store,
      clock,
      logger,
      apiToken: config.apiToken ?? null,
      onRelayQueued: () => relay?.notify(),
      api,
      skuBilling,
    }),
  );
  app.use(
    usageRouter({
      store,
      clock,
      logger,
      apiToken: config.apiToken ?? null,
      zone: config.billingZone ?? 'America/Chicago',
    }),
  );
  app.use(metricsRouter({ metrics, adminToken: config.adminToken ?? null, logger }));
  // Without a whole calendar, the defaults of CLM_USAGE_CLOSE_AT (and CLM_BILLING_TZ).
  const calendar = config.billing ?? loadBillingCalendar({ CLM_BILLING_TZ: config.billingZone });
  app.use(
    '/admin',
    adminRouter({
      store,
      clock,
      logger,
      token: config.adminToken ?? null,
      relay,
      calendar,
      api,
      skuBilling,
      pageSites,
    }),
  );
  app.use(
    healthRouter({
      store,
      clock,
      logger,
      maxPendingSeconds: config.readyMaxPendingSeconds ?? DEFAULT_READY_MAX_PENDING_SECONDS,
    }),
  );
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });

  const onError: ErrorRequestHandler = (
    error: { status?: number; type?: string },
    req,
    res,
    _next,
  ) => {
    // body-parser errors carry a 4xx status: oversize, bad charset, aborted upload.
    const status = error.status ?? 500;
    if (status >= 500)
      logger.error('collector', `${req.method} ${req.path} failed: ${String(error)}`, {
        reqId: String(req.id),
      });
    const messages: Record<string, string> = {
      'entity.too.large': 'beacon too large',
      'charset.unsupported': 'unsupported charset',
      'encoding.unsupported': 'unsupported content encoding',
    };
    res.status(status).json({
      error: messages[error.type ?? ''] ?? (status >= 500 ? 'internal error' : 'bad request'),
    });
  };
  app.use(onError);

  // The failure line of the request log, for beacons answered ahead of it (below). With
  // every request logged (debug), all take the route and the request log sees them.
  const failures = logsEveryRequest(logger) ? null : failureLog(logger);
  // A beacon that failed unexpectedly, or whose body could not be read: what the beacon
  // route's error handler and then the app's do (count it, answer as the app does).
  const none = () => {};
  const failedBeacon = (error: unknown, req: Request, res: Response) => {
    countRefused('invalid');
    failures?.watch(res);
    try {
      onError(error, req, res, none);
    } catch {
      res.destroy();
    }
  };

  // Beacons as browsers send them skip the router's walk through every route above: the
  // same request id, origin check, size cap, budgets and key check, in the same order (see
  // tracking/beacon-ahead.ts).
  if (failures) {
    routeAhead(app, (req, res) => {
      if (!isPlainBeacon(req)) return false;
      const [request, response] = adopt(app, req, res);
      try {
        failures.tag(request, response);
        warnForwarded(request, response, none);
        takeBeacon(beacons, request, response, failedBeacon);
      } catch (error) {
        failedBeacon(error, request, response);
      }
      return true;
    });
  }
  return app;
}
