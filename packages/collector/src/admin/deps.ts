import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { AdminStore, OrdersStore } from '../store/types.js';

/** Dependencies of the admin pages and API. */
export interface AdminDeps {
  store: AdminStore & OrdersStore;
  clock: Clock;
  logger: Logger;
  /** CLM_ADMIN_TOKEN; null disables every admin page and endpoint. */
  token: string | null;
  /** Told after dead-lettered relays are replayed, so they are sent at once. */
  relay?: { notify(): void } | undefined;
  /** Failed sign-ins allowed per client IP per minute; default 10. */
  loginAttemptsPerMinute?: number | undefined;
}
