import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express, Request, Response } from 'express';
import type { Clock } from '../clock.js';
import type { FailureLog } from '../http/request-log.js';
import { adopt, clientAddress, type ExpressPair, routeAhead } from '../http/route-ahead.js';
import type { Logger } from '../log.js';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';
import type { IngestStore } from '../store/ingest.js';
import { isPlainBeacon, takeBeacon } from './beacon-ahead.js';
import { beaconBudgets } from './beacon-budgets.js';
import { createBeaconIntake } from './beacon-intake.js';
import { beaconRouter } from './beacon-route.js';
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
  /** The request log's failure line, when it logs failures only; null: it logs every request. */
  failures: FailureLog | null;
  /** The `X-Forwarded-For` warning every request passes. */
  warnForwarded: (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
  /** The app's error handler, answering what went wrong unexpectedly. */
  answerError: (error: unknown, req: Request, res: Response) => void;
}

const none = () => {};

/**
 * `/beacon`: the intake (budgets, keys, store) behind its Express route and, when only
 * failures are logged, the path ahead of the router that plain beacons take (the same
 * request id, origin check, size cap, budgets and key check, in the same order; see
 * beacon-ahead.ts). With every request logged (debug), all take the route and the request
 * log sees them.
 */
export function useBeacons(app: Express, deps: BeaconsDeps): void {
  const { metrics, failures } = deps;
  const countRefused = (outcome: 'invalid' | 'origin_refused') =>
    metrics.beacon('unknown', outcome);
  const express: ExpressPair = (req, res) => adopt(app, req, res);
  // A beacon that failed unexpectedly, or whose body could not be read: what the route's
  // error handler and then the app's do (count it, answer as the app does).
  const failed = (error: unknown, req: IncomingMessage, res: ServerResponse) => {
    countRefused('invalid');
    failures?.watch(res);
    try {
      deps.answerError(error, ...express(req, res));
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
    onServerError: (res) => failures?.watch(res),
    express,
    clientAddress: clientAddress(app),
  });
  app.use(beaconRouter({ intake, allowedOrigins: deps.allowedOrigins, onRefused: countRefused }));
  if (!failures) return;
  // Node's own request and response, made Express's only to refuse (see `adopt`).
  routeAhead(app, (req, res) => {
    if (!isPlainBeacon(req)) return false;
    try {
      failures.tag(req, res);
      deps.warnForwarded(req, res, none);
      takeBeacon(intake, req, res, failed);
    } catch (error) {
      failed(error, req, res);
    }
    return true;
  });
}
