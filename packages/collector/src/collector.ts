import type { Express } from 'express';
import { createApp } from './app.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import { type CollectorMetrics, createMetrics } from './metrics/collector-metrics.js';
import { createProvisioning } from './orders/provisioning.js';
import { createOnrampClient } from './outbox/onramp-client.js';
import { createRelayWorker, type RelayWorker } from './outbox/worker.js';
import { relayKindRegistry } from './relay-kinds.js';
import { openStore } from './store/open.js';
import type { Store } from './store/types.js';
import { doubtGauges } from './usage/doubt-gauges.js';
import { createUsageScheduler, type UsageScheduler } from './usage/scheduler.js';

/** A collector assembled from its configuration; nothing listens and the worker is idle. */
export interface Collector {
  app: Express;
  /** Sends queued relays once started. */
  worker: RelayWorker;
  /** Closes billing periods once started. */
  usage: UsageScheduler;
  store: Store;
  metrics: CollectorMetrics;
  /** Stops the worker (waiting for calls in progress, within the grace period), closes the store. */
  close(): Promise<void>;
}

/** What {@link createCollector} builds from, besides the configuration. */
export interface CollectorOptions {
  logger: Logger;
  clock?: Clock;
  /** The pixel script; default: read `@clm/pixel/pixel.js`. */
  pixelScript?: Buffer | null;
  /** Node's process metrics in `/metrics`; default true. */
  processMetrics?: boolean;
}

/**
 * The one composition root: opens the store and builds the metrics, the relay worker, the
 * usage scheduler, the provisioning (when configured) and the app over them. `serve`, the tests, the demo and
 * the benchmarks all assemble the collector here.
 */
export async function createCollector(
  config: Config,
  options: CollectorOptions,
): Promise<Collector> {
  const { logger, clock = systemClock } = options;
  const store = await openStore({
    db: config.dbPath,
    logger,
    clock,
    poolSize: config.dbPoolSize,
  });
  const metrics = createMetrics({
    store,
    clock,
    // Read at scrape time, once the scheduler below exists.
    nextClose: () => usage.nextClose(),
    gauges: [doubtGauges(store)],
    ...(options.processMetrics !== undefined && { processMetrics: options.processMetrics }),
  });
  const worker = createRelayWorker({
    store,
    kinds: relayKindRegistry({ api: config.marketplace.api, billingZone: config.billing.zone }),
    onramp: createOnrampClient({ timeoutMs: config.relay.timeoutMs }),
    endpoints: config.marketplace.endpoints,
    clock,
    config: config.relay,
    logger,
    metrics,
  });
  const usage = createUsageScheduler({
    store,
    clock,
    logger,
    calendar: config.billing,
    relay: worker,
  });
  const provisioning = await provisioningFor(config, { store, clock, logger, metrics });
  const { marketplace } = config;
  const app = createApp({
    store,
    clock,
    logger,
    config: {
      ...config,
      provisionToken: marketplace.provisionToken,
      billingZone: config.billing.zone,
      marketplaceApi: marketplace.api,
      marketplaceEndpoints: marketplace.endpoints,
      skuBilling: marketplace.skuBilling,
    },
    relay: worker,
    metrics,
    provisioning,
    ...(options.pixelScript !== undefined && { pixelScript: options.pixelScript }),
  });
  let closing: Promise<void> | undefined;
  return {
    app,
    worker,
    usage,
    store,
    metrics,
    close() {
      closing ??= Promise.all([usage.stop(), worker.stop()]).then(() => store.close());
      return closing;
    },
  };
}

// Provisioning once it is configured (its token, the provider's URL and secret, and the
// provider key), else null: the provisioning endpoint is then off.
async function provisioningFor(
  config: Config,
  deps: { store: Store; clock: Clock; logger: Logger; metrics: CollectorMetrics },
) {
  const { marketplace } = config;
  const { provisionToken, forwardUrl, forwardSecret, providerKey } = marketplace;
  if (!provisionToken || !forwardUrl || !forwardSecret || !providerKey) return null;
  const { store, metrics } = deps;
  return createProvisioning({
    store,
    digestKey: await store.requestDigestKey(),
    clock: deps.clock,
    logger: deps.logger,
    providerKey,
    api: marketplace.api,
    v1Skus: marketplace.v1Skus,
    forward: { url: forwardUrl, secret: forwardSecret, timeoutMs: marketplace.forwardTimeoutMs },
    onOutcome: (outcome, seconds) => metrics.provisioning(outcome, seconds),
  });
}
