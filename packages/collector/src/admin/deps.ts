import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { SkuBilling } from '../orders/billing-models.js';
import type { MarketplaceApi, MarketplaceEndpoints } from '../outbox/kind.js';
import type { AdminStore, OrdersStore, UsageStore } from '../store/types.js';
import type { PageSites } from '../tracking/page-sites.js';
import type { Calendar } from '../usage/close.js';

/** Dependencies of the admin pages and API. */
export interface AdminDeps {
  store: AdminStore & OrdersStore & UsageStore;
  clock: Clock;
  logger: Logger;
  /** CLM_ADMIN_TOKEN; null disables every admin page and endpoint. */
  token: string | null;
  /** The billing calendar (CLM_BILLING_TZ, CLM_USAGE_CLOSE_AT) of the Usage page. */
  calendar: Calendar;
  /** Told after relays were queued (replayed, started, resent, closed), so they are sent at once. */
  relay?: { notify(): void } | undefined;
  /** The marketplace API in use; v1 has no billing start, so no Start billing. Default v2. */
  api?: MarketplaceApi | undefined;
  /** Where the marketplace takes each call, named on the confirm pages before a billable one. */
  endpoints?: MarketplaceEndpoints | undefined;
  /** Each SKU's billing model (`CLM_SKU_BILLING`). Default: every SKU manual (v1: immediate). */
  skuBilling?: SkuBilling | undefined;
  /** Pages sending beacons from another site than the collector's, shown on the dashboard. */
  pageSites?: Pick<PageSites, 'crossSite'> | undefined;
  /** Failed sign-ins allowed per client IP per minute; default 10. */
  loginAttemptsPerMinute?: number | undefined;
}
