import { Counter, type Registry } from 'prom-client';
import { outcomeCounter } from './outcome-counter.js';
import {
  apiPurchaseOutcomes,
  type BeaconKind,
  beaconSeries,
  type IntakeOutcome,
} from './outcomes.js';

/** The intake's counters (beacons, POST /api/purchases) in `registry`, and their hooks. */
export function intakeCounters(registry: Registry): {
  beacon(kind: BeaconKind, outcome: IntakeOutcome): void;
  apiPurchase(outcome: IntakeOutcome): void;
} {
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
  const apiPurchases = outcomeCounter(
    registry,
    'clm_api_purchases_total',
    'POST /api/purchases calls, by outcome',
  );
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
  return {
    beacon: (kind, outcome) => countBeacon(kind, outcome, 1),
    apiPurchase: (outcome) => apiPurchases.inc({ outcome }),
  };
}
