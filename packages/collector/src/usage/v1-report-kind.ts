import type { RelayKindSpec } from '../outbox/kind.js';
import { type UsageReport, usageReportKind } from './report-kind.js';

/**
 * A usage report on the retired v1 API (`CLM_MARKETPLACE_API=v1`, seed 003):
 * `/update-subscription/` with the aggregated count, the customer still active. The rows
 * are v2's reports (body as stored, key, delivery and retry rules); only the call differs.
 */
export const v1UsageReportKind: RelayKindSpec<UsageReport, 'usage_report'> = {
  ...usageReportKind,
  url: (endpoints) => endpoints.updateSubscription,
  call: '/update-subscription/',
  // The count goes out as a JSON number written from the exact decimal, as on v2.
  body: ({ customerId, productSku, usageCount, providerKey }) =>
    `{"coid":${JSON.stringify(customerId)},"expired":false,"sku":${JSON.stringify(productSku)},` +
    `"count":${usageCount},"providerkey":${JSON.stringify(providerKey)}}`,
};
