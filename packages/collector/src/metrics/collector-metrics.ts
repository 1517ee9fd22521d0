import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import type { AdminStore, UsageStore } from '../store/types.js';
import {
  apiPurchaseOutcomes,
  type BeaconKind,
  beaconSeries,
  type IntakeOutcome,
  type ProvisionOutcome,
  provisionOutcomes,
  type RelayOutcome,
  relayOutcomes,
} from './outcomes.js';
import { registerStoreGauges } from './store-gauges.js';
import { registerUsageGauges } from './usage-gauges.js';

/** The collector's Prometheus metrics and the hooks that feed them. */
export interface CollectorMetrics {
  /** Its own registry (not prom-client's global one), so every app counts apart. */
  readonly registry: Registry;
  beacon(kind: BeaconKind, outcome: IntakeOutcome): void;
  apiPurchase(outcome: IntakeOutcome): void;
  /**
   * One relay attempt; `seconds` is the onramp call's duration when a call was made.
   * Usage reports (`kind`) are counted apart too: each one adds to a buyer's bill.
   */
  relayAttempt(outcome: RelayOutcome, seconds?: number, kind?: string): void;
  /** One provisioning call; `seconds` is the provider call's duration when one was made. */
  provisioning(outcome: ProvisionOutcome, seconds?: number): void;
}

/**
 * Creates the collector's metrics in a fresh registry: intake, relay and usage-report
 * counters, the onramp latency histogram, store gauges read at scrape time, the next
 * usage close (with `nextClose`, the scheduler's), the `gauges` given and, unless `processMetrics` is false,
 * Node's process metrics, all prefixed `clm_`.
 */
export function createMetrics(options: {
  store: AdminStore & Pick<UsageStore, 'countReports'>;
  clock: Clock;
  nextClose?: () => number;
  processMetrics?: boolean;
  /**
   * More gauges, registered by the features that own what they read (the composition root
   * passes them, so metrics imports no feature).
   */
  gauges?: readonly ((registry: Registry) => void)[];
}): CollectorMetrics {
  const registry = new Registry();
  // Counted here, told to prom-client when scraped: a labelled inc() sorts and joins the
  // labels into a key every time, on the path of every beacon. (The counter registers itself.)
  const beaconCounts = new Map<BeaconKind, Map<IntakeOutcome, number>>();
  new Counter({
    name: 'clm_beacons_total',
    help: 'Beacons received, by kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [kind, outcomes] of beaconCounts) {
        for (const [outcome, count] of outcomes) this.inc({ kind, outcome }, count);
      }
    },
  });
  const apiPurchases = new Counter({
    name: 'clm_api_purchases_total',
    help: 'POST /api/purchases calls, by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const attempts = new Counter({
    name: 'clm_relay_attempts_total',
    help: 'Relay attempts, by what the worker decided',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const usageReports = new Counter({
    name: 'clm_usage_reports_total',
    help: 'Usage report attempts, by what the worker decided (unconfirmed: may have been billed)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'clm_relay_duration_seconds',
    help: 'Duration of onramp calls, including failed ones and timeouts',
    // Up to the default CLM_RELAY_TIMEOUT_MS (60 s), so a slow call is not just "+Inf".
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const provisionings = new Counter({
    name: 'clm_provisioning_total',
    help: 'POST /marketplace/provision calls, by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const provisionDuration = new Histogram({
    name: 'clm_provisioning_duration_seconds',
    help: "Duration of the provider's account-creation calls, including failed ones",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30],
    registers: [registry],
  });
  for (const outcome of provisionOutcomes) provisionings.inc({ outcome }, 0);
  const countBeacon = (kind: BeaconKind, outcome: IntakeOutcome, add: number) => {
    let outcomes = beaconCounts.get(kind);
    if (outcomes === undefined) {
      outcomes = new Map();
      beaconCounts.set(kind, outcomes);
    }
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + add);
  };
  for (const [kind, outcome] of beaconSeries) countBeacon(kind, outcome, 0);
  for (const outcome of apiPurchaseOutcomes) apiPurchases.inc({ outcome }, 0);
  for (const outcome of relayOutcomes) {
    attempts.inc({ outcome }, 0);
    usageReports.inc({ outcome }, 0);
  }
  registerStoreGauges(registry, options.store, options.clock);
  registerUsageGauges(registry, options.store, options.nextClose);
  for (const register of options.gauges ?? []) register(registry);
  if (options.processMetrics !== false)
    collectDefaultMetrics({ register: registry, prefix: 'clm_' });

  return {
    registry,
    beacon: (kind, outcome) => countBeacon(kind, outcome, 1),
    apiPurchase: (outcome) => apiPurchases.inc({ outcome }),
    relayAttempt(outcome, seconds, kind) {
      attempts.inc({ outcome });
      if (kind === 'usage_report') usageReports.inc({ outcome });
      if (seconds !== undefined) duration.observe(seconds);
    },
    provisioning(outcome, seconds) {
      provisionings.inc({ outcome });
      if (seconds !== undefined) provisionDuration.observe(seconds);
    },
  };
}
