import { nextPeriod } from '../time/calendar.js';
import type { NewUsageEvent, StoredUsageEvent, UsageRecord } from './usage.js';

/** A stored usage event as a repeat of its `eventId` is judged against it. */
export interface StoredUsageRow extends StoredUsageEvent {
  receivedAt: number;
  /** Where it counts. */
  period: string;
}

/** What an event of a request is, against what is stored under its `eventId`. */
export type Repeat =
  | { kind: 'new'; period: string }
  | { kind: 'duplicate'; period: string }
  | { kind: 'conflict'; stored: StoredUsageEvent };

/** The period an event counts in: its own, or the first open one when its own has closed. */
export function countingPeriod(period: string, closed: string | null): string {
  return closed !== null && period <= closed ? nextPeriod(closed) : period;
}

/**
 * Whether `event` repeats `stored` exactly: same order, SKU and quantity, and, when the repeat
 * gives an `occurredAt`, the same time as the first receipt read it (a time ahead of that
 * receipt was stored as the receipt). A repeat without `occurredAt` is not compared on it:
 * its default, the time of receipt, is a retry's own, not the event's.
 */
export function isSameEvent(event: NewUsageEvent, stored: StoredUsageRow): boolean {
  return (
    event.provisioningId === stored.provisioningId &&
    event.sku === stored.sku &&
    event.micros === stored.micros &&
    (event.givenOccurredAt === undefined ||
      Math.min(event.givenOccurredAt, stored.receivedAt) === stored.occurredAt)
  );
}

/**
 * Sorts a request's events against the events stored under their `eventId`s, and against the
 * request's earlier events with the same `eventId`: new (counting in its period, given the
 * last closed one), an identical repeat (counted once, where the first counts) or a conflict.
 */
export function sortRepeats(
  events: readonly NewUsageEvent[],
  stored: ReadonlyMap<string, StoredUsageRow>,
  closed: string | null,
): Repeat[] {
  const seen = new Map(stored);
  return events.map((event): Repeat => {
    const first = seen.get(event.eventId);
    if (first === undefined) {
      const period = countingPeriod(event.period, closed);
      seen.set(event.eventId, { ...event, period });
      return { kind: 'new', period };
    }
    if (!isSameEvent(event, first)) {
      const { provisioningId, sku, micros, occurredAt } = first;
      return { kind: 'conflict', stored: { provisioningId, sku, micros, occurredAt } };
    }
    return { kind: 'duplicate', period: first.period };
  });
}

/** The answer to a repeat: a `duplicate` counting where the first does, or a `conflict`. */
export function repeatRecord(
  eventId: string,
  repeat: Exclude<Repeat, { kind: 'new' }>,
): UsageRecord {
  return repeat.kind === 'duplicate'
    ? { eventId, result: 'duplicate', period: repeat.period }
    : { eventId, result: 'conflict', stored: repeat.stored };
}
