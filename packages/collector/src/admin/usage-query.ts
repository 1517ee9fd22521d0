import { z } from 'zod';
import { isPeriod } from '../time/calendar.js';

const period = z.string({ error: 'period must be given once' }).refine(isPeriod, {
  error: 'period must be a month YYYY-MM, such as 2026-07',
});

/** `?period=` of the Usage page and of `/admin/api/usage`: one period, or all. */
export const usageQuery = z.object({ period: period.optional() });

const count = z
  .string()
  .regex(/^\d{1,9}$/)
  .transform(Number);

/** The flash a Usage action redirects with (see `UsageFlash`); anything else shows none. */
export const usageFlashQuery = z.union([
  z.object({ confirmed: count }).transform(({ confirmed }) => ({
    action: 'confirmed' as const,
    id: confirmed,
  })),
  z
    .object({ already: z.literal('close') })
    .transform(() => ({ action: 'already-closed' as const })),
  z
    .object({ repeated: count })
    .transform(({ repeated }) => ({ action: 'repeated' as const, id: repeated })),
  z
    .object({ resent: count })
    .transform(({ resent }) => ({ action: 'resent' as const, id: resent })),
  z
    .object({ closed: period, periods: count, reports: count, early: z.enum(['0', '1']) })
    .transform(({ closed, periods, reports, early }) => ({
      action: 'closed' as const,
      period: closed,
      periods,
      reports,
      early: early === '1',
    })),
]);

/** A usage report id in a URL; anything else names no report. */
export const reportIdParam = z
  .string()
  .regex(/^[1-9]\d{0,14}$/)
  .transform(Number);
