import type { AdminStore } from './admin-reads.js';
import type { IngestStore } from './ingest.js';
import type { OrdersStore } from './orders.js';
import type { OutboxStore } from './outbox.js';
import type { UsageStore } from './usage.js';

export type { AdminStore, DayStats } from './admin-reads.js';
export type { IngestStore, NewEvent, RecordResult, StoredReferral } from './ingest.js';
export type {
  NewOrder,
  NewProvisioningFailure,
  Order,
  OrderSku,
  OrdersStore,
  ProvisioningClaim,
  ProvisioningFailure,
  RelayRef,
} from './orders.js';
export type {
  AttemptRecord,
  LeaseClaim,
  NewRelay,
  OutboxStore,
  Relay,
  RelayStatus,
} from './outbox.js';
export type {
  ClosedPeriod,
  NewUsageEvent,
  UsageBucket,
  UsageLine,
  UsageRecord,
  UsageStore,
} from './usage.js';

/**
 * Durable storage: every role the collector's parts use, one database. Each part is given
 * only the role it needs (`IngestStore` for beacons, `OutboxStore` for the worker, ...).
 * Every method is async so that a networked or group-committing implementation fits.
 */
export interface Store extends IngestStore, OutboxStore, OrdersStore, UsageStore, AdminStore {
  /** Resolves when the store answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
