import { startBillingKind, usageEndKind } from './orders/relay-kinds.js';
import type { RelayKinds } from './outbox/kind.js';
import { saasTrackingKind } from './tracking/saas-tracking.js';
import { usageReportKind } from './usage/report-kind.js';

/**
 * Every marketplace call the collector makes: one kind file each, in the feature folder
 * that queues it. A new call is one more entry here (see ARCHITECTURE.md).
 */
export const RELAY_KINDS = [saasTrackingKind, startBillingKind, usageReportKind, usageEndKind];

/** The name a relay row stores for its kind. */
export type RelayKind = (typeof RELAY_KINDS)[number]['kind'];

/** The kinds the relay worker sends, by the name stored on the row. */
export function relayKindRegistry(): RelayKinds {
  return registryOf(RELAY_KINDS);
}

function registryOf(kinds: readonly { kind: string }[]): RelayKinds {
  const registry: Record<string, RelayKinds[string]> = {};
  for (const spec of kinds) {
    if (registry[spec.kind]) throw new Error(`two relay kinds are named ${spec.kind}`);
    registry[spec.kind] = spec as RelayKinds[string];
  }
  return registry;
}
