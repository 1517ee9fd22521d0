import type { Request, RequestHandler, Response } from 'express';
import type { Clock } from '../clock.js';
import type { RequestLogSteps } from '../http/request-log.js';
import type { Logger } from '../log.js';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';
import type { IngestStore } from '../store/ingest.js';
import { beaconBudgets } from './beacon-budgets.js';
import { createBeaconIntake } from './beacon-intake.js';
import { beaconRoute } from './beacon-route.js';
import type { PageSites } from './page-sites.js';
import { type BeaconPurchases, PURCHASE_BUDGET_FACTOR } from './settings.js';

/** What the beacon endpoint is built from (the app's deps, in tracking's terms). */
export interface BeaconsDeps {
  store: IngestStore;
  clock: Clock;
  logger: Logger;
  metrics: Pick<CollectorMetrics, 'beacon'>;
  pageSites: Pick<PageSites, 'observe'>;
  partnerKeys: readonly string[];
  allowedOrigins: readonly string[];
  serviceNames: readonly string[];
  beaconPurchases: BeaconPurchases;
  visitsPerMinute: number;
  purchasesPerMinute: number | undefined;
  onRelayQueued: () => void;
  /** The request log's two steps (request id, then the failure line or every request's). */
  log: RequestLogSteps;
  /** The `X-Forwarded-For` warning every request passes. */
  warnForwarded: RequestHandler;
  /** The app's error handler, answering what went wrong unexpectedly. */
  answerError: (error: unknown, req: Request, res: Response) => void;
}

/**
 * `/beacon`: the intake (budgets, keys, store) behind its one route, the app's first layer
 * (see beacon-route.ts).
 */
export function beacons(deps: BeaconsDeps): RequestHandler {
  const { metrics, log } = deps;
  // A beacon that failed unexpectedly, or whose body could not be read: counted, and
  // answered as the app's error handler answers.
  const failed = (error: unknown, req: Request, res: Response) => {
    metrics.beacon('unknown', 'invalid');
    log.watch(res);
    try {
      deps.answerError(error, req, res);
    } catch {
      res.destroy();
    }
  };
  const intake = createBeaconIntake({
    ...deps,
    // Applied once a beacon is parsed: purchases have a budget of their own.
    limits: beaconBudgets({
      visits: deps.visitsPerMinute,
      purchases: deps.purchasesPerMinute ?? PURCHASE_BUDGET_FACTOR * deps.visitsPerMinute,
    }),
    onError: failed,
    onServerError: (res) => log.watch(res),
  });
  return beaconRoute({ ...deps, intake, onError: failed });
}
