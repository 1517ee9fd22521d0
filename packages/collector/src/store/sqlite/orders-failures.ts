import type Database from 'better-sqlite3';
import type { GroupCommit } from '../group-commit.js';
import { type FailureRow, toFailure } from '../order-rows.js';
import type { OrdersStore } from '../orders.js';

/** Provisioning requests the provider refused or that failed, on SQLite. */
export function sqliteProvisioningFailures(
  db: Database.Database,
  group: GroupCommit,
): Pick<OrdersStore, 'recordProvisioningFailure' | 'listProvisioningFailures'> {
  const insertFailure = db.prepare(
    `INSERT INTO provisioning_failures (provisioning_id, product_id, product_skus, at, outcome, status, message)
     VALUES (@provisioningId, @productId, @productSkus, @at, @outcome, @status, @message)`,
  );
  const selectFailures = db.prepare(
    'SELECT * FROM provisioning_failures ORDER BY at DESC, id DESC LIMIT ?',
  );
  return {
    recordProvisioningFailure: (failure) =>
      group.run(
        () =>
          void insertFailure.run({ ...failure, productSkus: JSON.stringify(failure.productSkus) }),
      ),
    listProvisioningFailures: ({ limit = 50 } = {}) =>
      group.run(() => (selectFailures.all(limit) as FailureRow[]).map(toFailure)),
  };
}
