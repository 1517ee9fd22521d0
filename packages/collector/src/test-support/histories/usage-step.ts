import { decimalOf, type Model, type RequestedEvent, toMicros } from './model.js';
import type { OccurredAt, UsageSpec } from './steps.js';

const AGO: Record<OccurredAt, number | undefined> = {
  omitted: undefined,
  now: 0,
  hourAgo: 3_600_000,
  daysAgo: 3 * 86_400_000,
  lastMonth: 35 * 86_400_000,
  skewAhead: -30_000,
  tooFarAhead: -5 * 60_000,
};

/** How an event was written, so a repeat can write it again. */
export interface WrittenEvent {
  eventId: string;
  provisioningId: string;
  productSku: string;
  quantity: string;
  occurredAt?: number;
}

/** The events a history wrote, by eventId, and the next fresh id. */
export interface UsageMemory {
  written: Map<string, WrittenEvent>;
  next: number;
}

const pick = <T>(list: readonly T[], index: number): T | undefined => list[index % list.length];

// One spec as written on the wire, or undefined when the history has nothing it can name.
function writeEvent(spec: UsageSpec, model: Model, memory: UsageMemory, now: number) {
  const fresh = () => `ev-${++memory.next}`;
  if (spec.kind === 'repeat' || spec.kind === 'conflict') {
    const stored = pick(model.events, spec.event);
    const first = stored && (memory.written.get(stored.eventId) as WrittenEvent);
    if (!stored || !first) return undefined;
    if (spec.kind === 'conflict') {
      return { ...first, quantity: decimalOf(stored.micros + 1n), occurredAt: undefined };
    }
    const quantity = !spec.rewrite
      ? first.quantity
      : first.quantity.includes('.')
        ? `${first.quantity}0`
        : `${first.quantity}.0`;
    return { ...first, quantity, ...(spec.omitAt && { occurredAt: undefined }) };
  }
  if (spec.kind === 'foreignOrder') {
    return {
      eventId: fresh(),
      provisioningId: 'prov-unknown',
      productSku: 'SKU-A',
      quantity: spec.quantity,
    };
  }
  const order = pick(model.orders, spec.order);
  if (!order) return undefined;
  if (spec.kind === 'foreignSku') {
    return {
      eventId: fresh(),
      provisioningId: order.id,
      productSku: 'SKU-Z',
      quantity: spec.quantity,
    };
  }
  const productSku = pick(order.skus, spec.sku) as string;
  if (spec.kind === 'tooFine') {
    return { eventId: fresh(), provisioningId: order.id, productSku, quantity: '0.1234567' };
  }
  const ago = AGO[spec.at];
  return {
    eventId: fresh(),
    provisioningId: order.id,
    productSku,
    quantity: spec.quantity,
    ...(ago !== undefined && { occurredAt: now - ago }),
  };
}

const jsonOf = (e: WrittenEvent) =>
  `{"eventId":${JSON.stringify(e.eventId)},"provisioningId":${JSON.stringify(e.provisioningId)},` +
  `"productSku":${JSON.stringify(e.productSku)},"quantity":${e.quantity}` +
  `${e.occurredAt === undefined ? '' : `,"occurredAt":"${new Date(e.occurredAt).toISOString()}"`}}`;

/**
 * A usage request of a history: its body as written, and the events as the model reads
 * them. Null when none of its events can be written yet.
 */
export function usageRequest(
  specs: readonly UsageSpec[],
  model: Model,
  memory: UsageMemory,
  now: number,
) {
  const events = specs
    .map((spec) => writeEvent(spec, model, memory, now))
    .filter((e): e is WrittenEvent => e !== undefined);
  if (events.length === 0) return null;
  const text =
    events.length === 1 ? jsonOf(events[0] as WrittenEvent) : `[${events.map(jsonOf).join(',')}]`;
  const requested: RequestedEvent[] = events.map((e) => ({
    eventId: e.eventId,
    order: e.provisioningId,
    sku: e.productSku,
    micros: toMicros(e.quantity),
    ...(e.occurredAt !== undefined && { given: e.occurredAt }),
  }));
  return { text, events, requested };
}
