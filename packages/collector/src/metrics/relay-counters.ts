import { Histogram, type Registry } from 'prom-client';
import { outcomeCounter } from './outcome-counter.js';
import { type RelayOutcome, relayOutcomes } from './outcomes.js';

/** The relays' counters and onramp latency histogram in `registry`, and their hook. */
export function relayCounters(registry: Registry): {
  relayAttempt(outcome: RelayOutcome, seconds?: number, kind?: string): void;
} {
  const attempts = outcomeCounter(
    registry,
    'clm_relay_attempts_total',
    'Relay attempts, by what the worker decided',
  );
  const usageReports = outcomeCounter(
    registry,
    'clm_usage_reports_total',
    'Usage report attempts, by what the worker decided (unconfirmed: may have been billed)',
  );
  const duration = new Histogram({
    name: 'clm_relay_duration_seconds',
    help: 'Duration of onramp calls, including failed ones and timeouts',
    // Up to the default CLM_RELAY_TIMEOUT_MS (60 s), so a slow call is not just "+Inf".
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  for (const outcome of relayOutcomes) {
    attempts.inc({ outcome }, 0);
    usageReports.inc({ outcome }, 0);
  }
  return {
    relayAttempt(outcome, seconds, kind) {
      attempts.inc({ outcome });
      if (kind === 'usage_report') usageReports.inc({ outcome });
      if (seconds !== undefined) duration.observe(seconds);
    },
  };
}
