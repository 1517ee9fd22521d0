import { type ClientLimit, perClientLimit } from '../security/client-limit.js';

/** Per-client limits on beacons, one for each budget; the intake picks once parsed. */
export interface BeaconBudgets {
  /** Visits, and beacons refused before anyone knew what they were. */
  visit: ClientLimit;
  purchase: ClientLimit;
}

/**
 * The beacons' per-client budgets (SECURITY.md, "Rate limit"): `visits` a minute for visits
 * and refused beacons, and `purchases` apart. The pixel cannot see a 429, so a purchase
 * refused is lost for good: a burst of visits (many visitors behind one address) must not
 * use up the budget a new customer's purchase needs. Purchases are bounded anyway: one
 * relay per customer, however many beacons name it. On the collector's one limiter
 * (security/client-limit.ts).
 */
export function beaconBudgets(perMinute: { visits: number; purchases: number }): BeaconBudgets {
  return {
    visit: perClientLimit(perMinute.visits, 'too many beacons from this address, retry later'),
    purchase: perClientLimit(
      perMinute.purchases,
      'too many purchases from this address, retry later',
    ),
  };
}
