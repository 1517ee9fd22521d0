import type { RelayStatus } from '../store/types.js';
import type { CallInDoubt, MoneyInDoubt } from '../usage/in-doubt.js';

/** What `clm-collector status --json` prints. */
export interface StatusReport {
  database: string;
  /** Per status; `kept` the dead relays never to send (held reports, superseded starts). */
  relays: Record<RelayStatus | 'kept', number> & { total: number };
  events: { visits: number; purchaseBeacons: number };
  /** The longest-waiting pending or in_flight relay; null when nothing waits. */
  oldestPending: { since: string; ageSeconds: number } | null;
  /** Usage reports that may have been billed: each waits for `usage confirm|resend`. */
  unconfirmedUsageReports: {
    count: number;
    newest: {
      id: number;
      provisioningId: string | null;
      sku: string | null;
      period: string | null;
      lastError: string | null;
      updatedAt: string;
    }[];
  };
  /**
   * Usage reports held for the operator: never sent, their count more than a double carries
   * exactly. Counted as `kept` with the relays, not as dead letters; no replay moves one.
   */
  heldUsageReports: { count: number };
  /**
   * Billing calls (starts, usage reports, ends) unconfirmed or dead, and the usage they
   * carry per SKU; `status` exits 3 while there is any.
   */
  moneyInDoubt: Omit<MoneyInDoubt, 'calls'> & {
    newest: (Omit<CallInDoubt, 'updatedAt'> & { updatedAt: string })[];
  };
  deadLetters: {
    count: number;
    newest: {
      id: number;
      kind: string;
      serviceName: string | null;
      customerId: string;
      attempts: number;
      lastStatus: number | null;
      lastError: string | null;
      updatedAt: string;
    }[];
  };
}
