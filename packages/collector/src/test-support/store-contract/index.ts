import { describe } from 'vitest';
import { describeAdminReads } from './admin-reads.js';
import { describeBillingRace } from './billing-race.js';
import { describeBillingReads } from './billing-reads.js';
import type { StoreHarness } from './harness.js';
import { describeInterruptedReports } from './interrupted-reports.js';
import { describeOrders } from './orders.js';
import { describeEventsAndOutbox } from './outbox.js';
import { describeTakeover } from './takeover.js';
import { describeUsage } from './usage.js';
import { describeUsageSums } from './usage-sums.js';

export type { OpenOptions, StoreHarness } from './harness.js';

/**
 * The behaviour every `Store` implementation owes its callers, as the JSDoc of the role
 * interfaces states it: run by each implementation's runner with a harness that opens it.
 */
export function describeStoreContract(name: string, harness: StoreHarness): void {
  describe(`${name} store contract`, () => {
    describeEventsAndOutbox(harness);
    describeTakeover(harness);
    describeOrders(harness);
    describeBillingRace(harness);
    describeUsage(harness);
    describeInterruptedReports(harness);
    describeUsageSums(harness);
    describeAdminReads(harness);
    describeBillingReads(harness);
  });
}
