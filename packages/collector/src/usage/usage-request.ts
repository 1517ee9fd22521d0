import { isLosslessNumber, type LosslessNumber, parse } from 'lossless-json';
import { z } from 'zod';
import { nestedTooDeep, TOO_DEEP } from '../json-depth.js';
import { provisioningIdSchema, skuSchema } from '../order-ids.js';
import { periodOf } from '../time/calendar.js';
import { readQuantity } from './decimal.js';

/** Most events one `POST /api/usage` may carry. */
export const MAX_USAGE_EVENTS = 1000;

/** How far ahead of receipt an `occurredAt` may be (clock skew), read as receipt. */
export const OCCURRED_AT_SKEW_MS = 60_000;

const EARLIEST = Date.parse('2000-01-01T00:00:00Z');

const usageEvent = z.strictObject(
  {
    eventId: z
      .string({ error: 'eventId is required' })
      .regex(/^[\x21-\x7e]{1,128}$/, { error: 'eventId must be 1-128 printable ASCII characters' }),
    provisioningId: provisioningIdSchema,
    productSku: skuSchema,
    // The number as written (the body is parsed without doubles), read digit by digit.
    quantity: z
      .custom<LosslessNumber>(isLosslessNumber, { error: 'quantity must be a number' })
      .transform((written, ctx) => {
        const quantity = readQuantity(written.value);
        if (quantity.ok) return quantity.micros;
        ctx.issues.push({ code: 'custom', message: quantity.error, input: written.value });
        return z.NEVER;
      }),
    occurredAt: z.iso
      .datetime({
        offset: true,
        error: 'occurredAt must be an ISO-8601 date-time with a zone, such as 2026-07-31T12:00:00Z',
      })
      .optional(),
  },
  {
    error: (issue) =>
      issue.code === 'invalid_type' ? 'each event must be a JSON object' : undefined,
  },
);

const usageList = z
  .array(usageEvent)
  .min(1, { error: 'the array must hold at least one event' })
  .max(MAX_USAGE_EVENTS, { error: `at most ${MAX_USAGE_EVENTS} events per request` });

/** A validated usage event, its quantity exact and its period found. */
export interface UsageEventInput {
  eventId: string;
  provisioningId: string;
  sku: string;
  micros: bigint;
  occurredAt: number;
  period: string;
  /** The `occurredAt` written, before it was read as receipt; absent when left out. */
  givenOccurredAt?: number;
}

// Every JSON number stays the text it was written as (a LosslessNumber), so no quantity is
// rounded through a double before it is judged. A key given twice in one object is refused.
function readJson(text: string): { ok: true; json: unknown } | { ok: false; error: string } {
  // The parser is recursive: a body nested thousands deep would exhaust its stack.
  if (nestedTooDeep(text)) return { ok: false, error: `body is not read: ${TOO_DEEP}` };
  try {
    return { ok: true, json: parse(text) };
  } catch (error) {
    const duplicate = /^Duplicate key '(.*)' encountered/.exec((error as Error).message);
    return {
      ok: false,
      error: duplicate
        ? `body has the key "${duplicate[1]?.slice(0, 64)}" twice in one object`
        : 'body is not valid JSON',
    };
  }
}

/** Outcome of {@link parseUsageRequest}. */
export type ParsedUsage = { ok: true; events: UsageEventInput[] } | { ok: false; error: string };

/**
 * Validates a `POST /api/usage` body (one event or an array) received at `now`: exact
 * quantities with at most six decimal places, `occurredAt` not ahead of receipt (within the
 * skew allowed, read as `now`), each event's period in `zone`.
 */
export function parseUsageRequest(text: string, now: number, zone: string): ParsedUsage {
  const read = readJson(text);
  if (!read.ok) return read;
  const { json } = read;
  const parsed = Array.isArray(json) ? usageList.safeParse(json) : usageEvent.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = typeof issue?.path[0] === 'number' ? `event ${issue.path[0]}: ` : '';
    return { ok: false, error: `${where}${issue?.message ?? 'invalid body'}` };
  }
  const list = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
  const events: UsageEventInput[] = [];
  for (const [index, event] of list.entries()) {
    const where = Array.isArray(parsed.data) ? `event ${index}: ` : '';
    const given = event.occurredAt === undefined ? now : Date.parse(event.occurredAt);
    if (given > now + OCCURRED_AT_SKEW_MS)
      return { ok: false, error: `${where}occurredAt must not be ahead of now` };
    if (given < EARLIEST) return { ok: false, error: `${where}occurredAt must not be before 2000` };
    const occurredAt = Math.min(given, now);
    events.push({
      eventId: event.eventId,
      provisioningId: event.provisioningId,
      sku: event.productSku,
      micros: event.quantity,
      occurredAt,
      period: periodOf(occurredAt, zone),
      ...(event.occurredAt !== undefined && { givenOccurredAt: given }),
    });
  }
  return { ok: true, events };
}
