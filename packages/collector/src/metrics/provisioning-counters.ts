import { Histogram, type Registry } from 'prom-client';
import { outcomeCounter } from './outcome-counter.js';
import { type ProvisionOutcome, provisionOutcomes } from './outcomes.js';

/** The provisioning calls' counter and duration histogram in `registry`, and their hook. */
export function provisioningCounters(registry: Registry): {
  provisioning(outcome: ProvisionOutcome, seconds?: number): void;
} {
  const provisionings = outcomeCounter(
    registry,
    'clm_provisioning_total',
    'POST /marketplace/provision calls, by outcome',
  );
  const provisionDuration = new Histogram({
    name: 'clm_provisioning_duration_seconds',
    help: "Duration of the provider's account-creation calls, including failed ones",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30],
    registers: [registry],
  });
  for (const outcome of provisionOutcomes) provisionings.inc({ outcome }, 0);
  return {
    provisioning(outcome, seconds) {
      provisionings.inc({ outcome });
      if (seconds !== undefined) provisionDuration.observe(seconds);
    },
  };
}
