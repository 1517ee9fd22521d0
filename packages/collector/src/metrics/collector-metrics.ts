import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import type { AdminStore, UsageStore } from '../store/types.js';
import { intakeCounters } from './intake-counters.js';
import type { BeaconKind, IntakeOutcome, ProvisionOutcome, RelayOutcome } from './outcomes.js';
import { provisioningCounters } from './provisioning-counters.js';
import { relayCounters } from './relay-counters.js';
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
  // Registered in this order, so a scrape lists them intake, relays, provisioning.
  const intake = intakeCounters(registry);
  const relays = relayCounters(registry);
  const provisioning = provisioningCounters(registry);
  registerStoreGauges(registry, options.store, options.clock);
  registerUsageGauges(registry, options.store, options.nextClose);
  for (const register of options.gauges ?? []) register(registry);
  if (options.processMetrics !== false)
    collectDefaultMetrics({ register: registry, prefix: 'clm_' });

  return { registry, ...intake, ...relays, ...provisioning };
}
