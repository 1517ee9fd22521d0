import { startBillingKind, usageEndKind } from '../orders/relay-kinds.js';
import type { RelayKind } from '../store/outbox.js';
import { saasTrackingKind } from '../tracking/saas-tracking.js';
import { usageReportKind } from '../usage/report-kind.js';
import type { RelayKindSpec } from './kind.js';

/** Every relay kind the worker sends, by the name stored on the row. */
export const relayKinds: Record<RelayKind, RelayKindSpec<unknown>> = {
  saas_tracking: saasTrackingKind as RelayKindSpec<unknown>,
  start_billing: startBillingKind as RelayKindSpec<unknown>,
  usage_report: usageReportKind as RelayKindSpec<unknown>,
  usage_end: usageEndKind as RelayKindSpec<unknown>,
};
