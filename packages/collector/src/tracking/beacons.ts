import type { Request, RequestHandler, Response } from 'express';
import type { Clock } from '../clock.js';
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
  /** What every request gets before its route (its id, the request log). */
  greet: (req: Request, res: Response) => void;
  /** Told before a 5xx answer goes out (the request log's failure line); null: logged. */
  watchFailure: ((res: Response) => void) | null;
  /** The app's error handler, answering what went wrong unexpectedly. */
  answerError: (error: unknown, req: Request, res: Response) => void;
}

/** `/beacon`: the intake (budgets, keys, store) behind its one route. */
export function beaconEndpoint(deps: BeaconsDeps): RequestHandler {
  const { metrics, watchFailure } = deps;
  const countRefused = (outcome: 'invalid' | 'origin_refused') =>
    metrics.beacon('unknown', outcome);
  // A beacon that failed unexpectedly, or whose body could not be read: counted, then
  // answered as the app answers errors.
  const failed = (error: unknown, req: Request, res: Response) => {
    countRefused('invalid');
    watchFailure?.(res);
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
    ...(watchFailure && { onServerError: watchFailure }),
  });
  return beaconRoute({
    intake,
    allowedOrigins: deps.allowedOrigins,
    onRefused: countRefused,
    greet: deps.greet,
    onError: failed,
  });
}
