import { startBillingKind, usageEndKind } from './orders/relay-kinds.js';
import { v1UsageEndKind } from './orders/v1-end-kind.js';
import type { MarketplaceApi, RelayKinds } from './outbox/kind.js';
import { MARKETPLACE_ZONE } from './time/calendar.js';
import { saasTrackingKind } from './tracking/saas-tracking.js';
import { usageReportKind } from './usage/report-kind.js';
import { v1UsageReportKind } from './usage/v1-report-kind.js';

/**
 * Every marketplace call the collector makes: one kind file each, in the feature folder
 * that queues it. A new call is one more entry here (see ARCHITECTURE.md).
 */
export const RELAY_KINDS = [saasTrackingKind, startBillingKind, usageReportKind, usageEndKind];

/** The name a relay row stores for its kind. */
export type RelayKind = (typeof RELAY_KINDS)[number]['kind'];

/**
 * The kinds the relay worker sends, by the name stored on the row. On the retired v1 API
 * the same rows are sent as v1's calls: `billingZone` (`CLM_BILLING_TZ`) is the zone of
 * the dates they carry.
 */
export function relayKindRegistry(
  marketplace: { api: MarketplaceApi; billingZone: string } = {
    api: 'v2',
    billingZone: MARKETPLACE_ZONE,
  },
): RelayKinds {
  if (marketplace.api === 'v2') return registryOf(RELAY_KINDS);
  const v1 = [v1UsageReportKind, v1UsageEndKind(marketplace.billingZone)];
  return registryOf([saasTrackingKind, startBillingKind, ...v1]);
}

/**
 * The call a relay of `kind` makes on `api`, as an operator reads it before it is sent
 * again (the kind's own `call`); an unknown kind is named as stored.
 */
export function callOf(api: MarketplaceApi): (kind: string) => string {
  let kinds = callKinds.get(api);
  if (kinds === undefined) {
    kinds = relayKindRegistry({ api, billingZone: MARKETPLACE_ZONE });
    callKinds.set(api, kinds);
  }
  const known = kinds;
  return (kind) => known[kind]?.call ?? kind;
}

// Each API's kinds, built the first time a call of it is named (a confirm page names one
// per row it lists).
const callKinds = new Map<MarketplaceApi, RelayKinds>();

function registryOf(kinds: readonly { kind: string }[]): RelayKinds {
  const registry: Record<string, RelayKinds[string]> = {};
  for (const spec of kinds) {
    if (registry[spec.kind]) throw new Error(`two relay kinds are named ${spec.kind}`);
    registry[spec.kind] = spec as RelayKinds[string];
  }
  return registry;
}
