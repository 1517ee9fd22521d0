import type { NewRelay, RelayRef, RelayStatus } from './outbox.js';
import type { UsageBucket } from './usage-bucket.js';

export type { UsageBucket } from './usage-bucket.js';

/** A usage event to record; `period` is where it counts unless that period has closed. */
export interface NewUsageEvent {
  eventId: string;
  provisioningId: string;
  sku: string;
  /** Exact quantity in micro-units (6 decimal places). */
  micros: bigint;
  /** Ms since the epoch. */
  occurredAt: number;
  receivedAt: number;
  /** The period `occurredAt` falls in, in the billing zone. */
  period: string;
  /**
   * The `occurredAt` the provider wrote (ms), before it was read as receipt; absent when it
   * left it out. A repeat of a stored `eventId` is compared on it only when given.
   */
  givenOccurredAt?: number | undefined;
}

/** A stored usage event, as a request that reuses its `eventId` is told of it. */
export interface StoredUsageEvent {
  provisioningId: string;
  sku: string;
  micros: bigint;
  occurredAt: number;
}

/** What became of one usage event. */
export type UsageRecord =
  /** Stored, counting in `period` (a later one than its own when that one had closed). */
  | { eventId: string; result: 'recorded' | 'duplicate'; period: string }
  /** Refused: no such order, a SKU it does not have, or a SKU already terminated. */
  | { eventId: string; result: 'unknown-order' | 'unknown-sku' | 'terminated' }
  /** Refused: its `eventId` names another event, `stored`. */
  | { eventId: string; result: 'conflict'; stored: StoredUsageEvent };

/** A bucket with what became of its report. */
export interface UsageLine extends UsageBucket {
  events: number;
  report: (RelayRef & { late: boolean; attempts: number }) | null;
}

/** A period's close as stored. */
export interface ClosedPeriod {
  period: string;
  closedAt: number;
  early: boolean;
}

/** Usage events, periods and their reports. */
export interface UsageStore {
  /**
   * Records events in one transaction, each in its own period or, when that one has
   * closed, the first period still open. An identical repeat of an `eventId` (see
   * `usage-repeats.ts`) is a `duplicate`, counted once; the same `eventId` with anything
   * else different is a `conflict`, and with any refusal nothing is recorded.
   */
  recordUsage(events: readonly NewUsageEvent[]): Promise<UsageRecord[]>;
  /** The latest closed period, or null before the first close. */
  lastClosedPeriod(): Promise<string | null>;
  /** The earliest period holding usage that has not been closed. */
  firstOpenUsagePeriod(): Promise<string | null>;
  /**
   * Closes `period` (every earlier one must be closed) and queues, in the same transaction,
   * one report per (order, SKU) with usage in it (none for a SKU reported at termination).
   * Resolves with the number of reports queued to be sent and of those queued held (never
   * sent: `NewRelay.held`); null when the period was closed already.
   */
  closePeriod(options: {
    period: string;
    now: number;
    early: boolean;
    report: (bucket: UsageBucket) => NewRelay;
  }): Promise<{ queued: number; held: number } | null>;
  listClosedPeriods(options?: { limit?: number }): Promise<ClosedPeriod[]>;
  /** Usage per (period, order, SKU) with its report, newest period first; one period if given. */
  usageLines(options?: { period?: string; provisioningId?: string }): Promise<UsageLine[]>;
  /**
   * Marks an unconfirmed report delivered (an operator saw it billed), or a held one (the
   * operator billed it by hand); nothing is sent. False if it is neither.
   */
  confirmReport(id: number, now: number): Promise<boolean>;
  /** Sends an unconfirmed (or dead) report again. False if it is neither, or held. */
  resendReport(id: number, now: number): Promise<boolean>;
  countReports(): Promise<Record<RelayStatus, number>>;
  /** Usage reports held for the operator (dead, never sent: see `kept-relays.ts`). */
  countHeldReports(): Promise<number>;
}
