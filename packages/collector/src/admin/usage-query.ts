import { z } from 'zod';
import { isPeriod } from '../time/calendar.js';

const period = z.string({ error: 'period must be given once' }).refine(isPeriod, {
  error: 'period must be a month YYYY-MM, such as 2026-07',
});

/** `?period=` of the Usage page and of `/admin/api/usage`: one period, or all. */
export const usageQuery = z.object({ period: period.optional() });

const count = z.number().int().min(0);

/**
 * What a Usage action did (see `UsageFlash`), as its one-time notice carries it
 * (admin/flash); anything else shows none.
 */
export const usageNotice = z.discriminatedUnion('action', [
  z.object({
    action: z.enum(['confirmed', 'resent', 'repeated']),
    id: count,
  }),
  z.object({ action: z.literal('already-closed') }),
  z.object({
    action: z.literal('closed'),
    period,
    periods: count,
    reports: count,
    early: z.boolean(),
  }),
]);

/** A usage report id in a URL; anything else names no report. */
export const reportIdParam = z
  .string()
  .regex(/^[1-9]\d{0,14}$/)
  .transform(Number);
