import { z } from 'zod';

/** Window lengths offered on the dashboard; any whole number of days up to the max is accepted. */
export const WINDOW_CHOICES = [7, 30, 90] as const;
export const DEFAULT_WINDOW_DAYS = 30;
export const MAX_WINDOW_DAYS = 366;

const days = z
  .string({ error: 'days must be given once' })
  .regex(/^\d{1,4}$/, { error: `days must be a whole number from 1 to ${MAX_WINDOW_DAYS}` })
  .transform(Number)
  .pipe(
    z
      .number()
      .min(1, { error: `days must be a whole number from 1 to ${MAX_WINDOW_DAYS}` })
      .max(MAX_WINDOW_DAYS, {
        error: `days must be a whole number from 1 to ${MAX_WINDOW_DAYS}`,
      }),
  )
  .default(DEFAULT_WINDOW_DAYS);

/** `?days=` of the dashboard and of `/admin/api/summary`. */
export const windowQuery = z.object({ days });

/** First issue of a failed parse, as a one-line reason for a 400. */
export const reasonOf = (error: z.ZodError): string => {
  const issue = error.issues[0];
  if (!issue) return 'invalid request';
  // Messages written above already name their field; zod's built-in ones do not.
  const field = issue.path.join('.');
  const named = issue.message.startsWith(String(issue.path[0] ?? ''));
  return field && !named ? `${field}: ${issue.message}` : issue.message;
};

/** `?limit=`: a whole number from 1 to `max`, `fallback` when absent. */
export const limitParam = (fallback: number, max = 500) => {
  const error = `limit must be a whole number from 1 to ${max}`;
  return z
    .string({ error })
    .regex(/^\d{1,4}$/, { error })
    .transform(Number)
    .pipe(z.number().min(1, { error }).max(max, { error }))
    .default(fallback);
};

const relayId = z
  .string()
  .regex(/^[1-9]\d{0,14}$/, { error: 'ids must be relay ids (whole numbers)' })
  .transform(Number);

/**
 * `ids` of a dashboard form: urlencoded, a repeated field arrives as an array and a single
 * one as a string; at most 1000.
 */
export const relayIdsField = z.union(
  [relayId.transform((id) => [id]), z.array(relayId).max(1000)],
  { error: 'ids must be relay ids (whole numbers), at most 1000' },
);
