import type pg from 'pg';
import { type FailureRow, toFailure } from '../order-rows.js';
import type { OrdersStore } from '../orders.js';
import { storable } from './db.js';

/** Provisioning requests the provider refused or that failed, on PostgreSQL. */
export function postgresProvisioningFailures(
  pool: pg.Pool,
): Pick<OrdersStore, 'recordProvisioningFailure' | 'listProvisioningFailures'> {
  return {
    recordProvisioningFailure: async (failure) => {
      await pool.query(
        `INSERT INTO provisioning_failures (provisioning_id, product_id, product_skus, at, outcome, status, message)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          failure.provisioningId,
          failure.productId,
          JSON.stringify(failure.productSkus),
          failure.at,
          failure.outcome,
          failure.status,
          storable(failure.message),
        ],
      );
    },
    listProvisioningFailures: async ({ limit = 50 } = {}) => {
      const rows = await pool.query<FailureRow>(
        'SELECT * FROM provisioning_failures ORDER BY at DESC, id DESC LIMIT $1',
        [limit],
      );
      return rows.rows.map(toFailure);
    },
  };
}
