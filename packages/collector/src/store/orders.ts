import type { NewRelay, RelayRef } from './outbox.js';
import type { UsageBucket } from './usage-bucket.js';

export type { RelayRef } from './outbox.js';

/** One SKU of an order: its billing start and its end, each a relay once requested. */
export interface OrderSku {
  sku: string;
  billing: RelayRef | null;
  end: RelayRef | null;
  /** When the provider terminated it (ms), null while active. */
  endedAt: number | null;
}

/** An order the provider accepted: a subscription. */
export interface NewOrder {
  provisioningId: string;
  productId: number;
  productSkus: readonly string[];
  customerId: string;
  /** The `providerKey` its marketplace calls are made with. */
  providerKey: string;
  /** What was answered to the marketplace: the provider's fields, `customerId` a string. */
  answer: Record<string, unknown>;
  createdAt: number;
  /**
   * What the marketplace's repeats of this order are recognised by: its `provisioningId`
   * (the default), or under v1, whose request has none, `v1:` and its digest.
   */
  requestKey?: string;
  /** The request's digest (`orders/order-digest`): a repeat with another is another order. */
  requestDigest?: string | null;
}

/** A stored order with the state of each SKU. */
export interface Order extends Omit<NewOrder, 'requestKey' | 'requestDigest'> {
  /** When the last of its SKUs was terminated; null while any is active. */
  terminatedAt: number | null;
  skus: OrderSku[];
}

/** One provisioning request the provider did not accept. */
export interface NewProvisioningFailure {
  provisioningId: string;
  productId: number;
  productSkus: readonly string[];
  at: number;
  /** `refused`: the provider answered 4xx; `failed`: 5xx, a bad answer, or none. */
  outcome: 'refused' | 'failed';
  /** The provider's status, or null without an answer. */
  status: number | null;
  /** The provider's answer (cut short) or what went wrong. */
  message: string;
}

/** A stored {@link NewProvisioningFailure}. */
export interface ProvisioningFailure extends NewProvisioningFailure {
  id: number;
}

/** What {@link OrdersStore.claimProvisioning} found. */
export type ProvisioningClaim =
  /** The caller forwards the order now, then calls `releaseProvisioning`. */
  | { state: 'claimed' }
  /** The order exists: answer with it. */
  | { state: 'ordered'; order: Order }
  /** Another caller (this collector or another one on the database) is forwarding it. */
  | { state: 'busy'; until: number }
  /**
   * The key's order exists, or is being forwarded, with another digest: a different order
   * under the same key. Rows from before digests were kept match any digest.
   */
  | { state: 'conflict' };

/** Why {@link OrdersStore.queueOrderRelays} queued nothing: `sku` of the order has ended. */
export class SkuEnded extends Error {
  constructor(readonly sku: string) {
    super(`SKU ${JSON.stringify(sku)} is terminated`);
  }
}

/** Orders, their SKUs and the relays made for them. */
export interface OrdersStore {
  getOrder(provisioningId: string): Promise<Order | null>;
  /** Newest first. */
  listOrders(options?: { limit?: number }): Promise<Order[]>;
  /**
   * Stores an order the provider accepted. If one with its `provisioningId` (or request
   * key) exists, that one is kept and returned with `created: false`; when that one was
   * stored under another request key, this order's key and digest become an alias of it,
   * which {@link claimProvisioning} finds as it finds the order's own key.
   */
  createOrder(order: NewOrder): Promise<{ order: Order; created: boolean }>;
  /**
   * Claims forwarding the order of `requestKey` (see {@link NewOrder.requestKey}) with
   * `digest` to the provider for `owner` until `now + leaseMs`, so that however many
   * collectors share the database, one forwards it at a time: `claimed` unless the order
   * exists (`ordered`), another owner's claim has not expired (`busy`, until when), or either
   * is of another digest (`conflict`). An expired claim is taken over. SQLite (one process)
   * reads the time from `now`; PostgreSQL, shared by instances whose clocks may differ,
   * from the database (`until` is then on its clock).
   */
  claimProvisioning(options: {
    requestKey: string;
    digest: string;
    /** The request's key and digest as stored before digests were keyed: those rows match too. */
    legacy?: { requestKey: string; digest: string };
    owner: string;
    now: number;
    leaseMs: number;
  }): Promise<ProvisioningClaim>;
  /**
   * The database's secret key of request digests (hex, 32 random bytes), created the first
   * time it is asked for and the same for every collector on the database ever after, so
   * rotating a token or secret never changes a request's digest.
   */
  requestDigestKey(): Promise<string>;
  /** Ends `owner`'s claim on `requestKey` (after the order was stored, or not made). */
  releaseProvisioning(requestKey: string, owner: string): Promise<void>;
  recordProvisioningFailure(failure: NewProvisioningFailure): Promise<void>;
  /** Newest first. */
  listProvisioningFailures(options?: { limit?: number }): Promise<ProvisioningFailure[]>;
  /**
   * Queues relays for an order's SKUs in one transaction; a relay whose dedupe key exists
   * is left as it is. Resolves with the relay of each, new or existing, and whether it is
   * new. Decided against {@link terminateSkus} atomically, across every instance on the
   * database: if a relay's SKU has ended (its end is queued), nothing is queued and it
   * rejects with {@link SkuEnded}, so no relay of a SKU is ever queued after its end.
   */
  queueOrderRelays(relays: readonly NewRelay[]): Promise<{ relay: RelayRef; queued: boolean }[]>;
  /**
   * In one transaction, marks `skus` of an order ended at `now` and, for each that was
   * still active, queues a report of its usage in every period not yet closed, then its
   * end (which the worker sends after those reports). Resolves with the SKUs ended now.
   */
  terminateSkus(options: {
    provisioningId: string;
    skus: readonly string[];
    now: number;
    usageReport: (bucket: UsageBucket) => NewRelay;
    end: (sku: string) => NewRelay;
  }): Promise<string[]>;
}
