import type pg from 'pg';
import type { OrdersStore } from '../orders.js';
import { postgresOrderBilling } from './orders-billing.js';
import { postgresOrderClaims } from './orders-claims.js';
import { postgresProvisioningFailures } from './orders-failures.js';
import { postgresOrderRecords } from './orders-records.js';

/**
 * {@link OrdersStore} on PostgreSQL, by what its methods do: storing and reading orders,
 * claiming provisioning requests, provisioning failures, and an order's billing calls and
 * terminations. An order is created once whichever instance stores it first (its primary
 * key); a termination holds the usage calendar's lock, as a close does.
 */
export function postgresOrders(pool: pg.Pool): OrdersStore {
  return {
    ...postgresOrderRecords(pool),
    ...postgresOrderClaims(pool),
    ...postgresProvisioningFailures(pool),
    ...postgresOrderBilling(pool),
  };
}
