import type { FailureView, OrderView } from '../admin/orders-data.js';

/** What `clm-collector orders --json` prints. */
export interface OrdersReport {
  database: string;
  /** Newest first, as the provider API shows them. */
  orders: OrderView[];
  /** The newest failed provisioning attempts. */
  failures: FailureView[];
  /** Every failed provisioning attempt stored. */
  failureCount: number;
}
