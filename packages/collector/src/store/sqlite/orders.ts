import type Database from 'better-sqlite3';
import type { GroupCommit } from '../group-commit.js';
import type { OrdersStore } from '../orders.js';
import { sqliteOrderBilling } from './orders-billing.js';
import { sqliteOrderClaims } from './orders-claims.js';
import { sqliteProvisioningFailures } from './orders-failures.js';
import { prepareLoadOrder } from './orders-load.js';
import { sqliteOrderRecords } from './orders-records.js';

/**
 * {@link OrdersStore} on SQLite, by what its methods do: storing and reading orders,
 * claiming provisioning requests, provisioning failures, and an order's billing calls and
 * terminations. Every statement is prepared here, at open, once.
 */
export function sqliteOrders(db: Database.Database, group: GroupCommit): OrdersStore {
  const loadOrder = prepareLoadOrder(db);
  return {
    ...sqliteOrderRecords(db, group, loadOrder),
    ...sqliteOrderClaims(db, group, loadOrder),
    ...sqliteProvisioningFailures(db, group),
    ...sqliteOrderBilling(db, group),
  };
}
