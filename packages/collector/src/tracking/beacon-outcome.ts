import { fingerprint } from '../log.js';
import type { IntakeOutcome } from '../metrics/outcomes.js';
import type { RecordResult } from '../store/ingest.js';
import type { Beacon } from './beacon-schema.js';

/** The metrics outcome of a stored beacon. A held purchase is accepted: it is all there is. */
export function outcomeOf(beacon: Beacon, result: RecordResult, held: boolean): IntakeOutcome {
  if (result.duplicate) return 'duplicate';
  if (result.relayQueued || beacon.type === 'visit' || held) return 'accepted';
  return 'already_queued';
}

// Provider keys repeat on every beacon, and only allow-listed ones get this far.
const keyPrints = new Map<string, string>();
const keyPrint = (key: string) => {
  let print = keyPrints.get(key);
  if (print === undefined) {
    print = fingerprint(key);
    if (keyPrints.size < 256) keyPrints.set(key, print);
  }
  return print;
};

/** The log line of a stored purchase beacon: fingerprints only, no customer id or key. */
export function describeBeacon(
  beacon: Extract<Beacon, { type: 'purchase' }>,
  result: RecordResult,
  held: boolean,
): string {
  const what = result.duplicate
    ? 'repeated'
    : result.relayQueued
      ? 'queued for relay'
      : held
        ? "stored; its relay waits for the backend's report (CLM_BEACON_PURCHASES=hold)"
        : 'already relayed';
  return `purchase ${beacon.id} for customer ${fingerprint(beacon.customerId)} (key ${keyPrint(beacon.key)}): ${what}`;
}
