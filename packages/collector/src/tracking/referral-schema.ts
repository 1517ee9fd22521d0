import { z } from 'zod';
import { cleanText } from './text.js';

/** Ms since the epoch. */
export const epochMs = z
  .number({ error: 'must be a number' })
  .int({ error: 'must be an integer (ms since the epoch)' })
  .min(0, { error: 'must not be negative' });

const UTM_KEYS = 'utm keys must be 1-32 characters of a-z and _';

const utm = z
  .record(
    z.string().regex(/^[a-z_]{1,32}$/, { error: UTM_KEYS }),
    z
      .string()
      .overwrite(cleanText)
      .max(256, { error: 'utm values must be at most 256 characters' }),
    { error: (issue) => (issue.code === 'invalid_key' ? UTM_KEYS : undefined) },
  )
  .refine((value) => Object.keys(value).length <= 10, { error: 'at most 10 utm entries' });

/** The referral a beacon carries: the marketplace's id, when it was captured, `utm_*` values. */
export const referralSchema = z.strictObject(
  {
    id: z
      .string({ error: 'must be a string' })
      .overwrite(cleanText)
      .min(1, { error: 'must not be empty' })
      .max(128, { error: 'must be at most 128 characters' }),
    at: epochMs,
    utm: utm.optional(),
  },
  { error: (issue) => (issue.code === 'invalid_type' ? 'must be an object' : undefined) },
);

/** A referral as `POST /api/purchases` takes it: `at` may be left out (the backend kept the id). */
export const apiReferralSchema = referralSchema.extend({ at: epochMs.optional() });

/** What {@link readReferral} made of a referral: the cleaned one, or null and why it was dropped. */
export interface ReadReferral<T> {
  referral: T | null;
  /** Why the referral was dropped; worded without its keys or values (they go to the log). */
  dropped?: string;
}

/**
 * Validates a referral, cleaned as the pixel cleans it. One the collector cannot use is
 * dropped, never the purchase it came with: a landing link the marketplace or a campaign
 * wrote must not cost the provider the purchase. `name` prefixes the reason (`ref`).
 */
export function readReferral<T extends z.ZodType>(
  schema: T,
  value: unknown,
  name: string,
): ReadReferral<z.output<T>> {
  if (value === undefined || value === null) return { referral: null };
  const result = schema.safeParse(value);
  if (result.success) return { referral: result.data };
  const issue = result.error.issues[0];
  // Up to the utm record: a utm key is attacker-chosen text, not worth a log line.
  const path = [name];
  for (const part of issue?.path ?? []) {
    path.push(String(part));
    if (part === 'utm') break;
  }
  const message =
    issue?.code === 'unrecognized_keys' ? 'unknown field' : (issue?.message ?? 'invalid');
  return { referral: null, dropped: `${path.join('.')}: ${message}` };
}
