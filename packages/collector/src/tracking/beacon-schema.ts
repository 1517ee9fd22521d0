import { z } from 'zod';

// Printable ASCII without spaces: what provider keys and service names look like.
const token = z.string().regex(/^[\x21-\x7e]{1,128}$/, {
  error: 'must be 1-128 printable ASCII characters without spaces',
});

// No control characters and no lone UTF-16 surrogates (which SQLite's UTF-8 would turn
// into U+FFFD, so the onramp would get a different id than the page sent).
const noControl = /^[^\p{Cc}\p{Cs}]*$/u;

const epochMs = z
  .number({ error: 'must be a number' })
  .int({ error: 'must be an integer (ms since the epoch)' })
  .min(0, { error: 'must not be negative' });

const utm = z
  .record(
    z.string().regex(/^[a-z_]{1,32}$/, { error: 'utm keys must be 1-32 characters of a-z and _' }),
    z
      .string()
      .max(256, { error: 'utm values must be at most 256 characters' })
      .regex(noControl, { error: 'utm values must not contain control characters' }),
    {
      error: (issue) =>
        issue.code === 'invalid_key' ? 'utm keys must be 1-32 characters of a-z and _' : undefined,
    },
  )
  .refine((value) => Object.keys(value).length <= 10, { error: 'at most 10 utm entries' });

const referral = z.strictObject({
  id: z
    .string({ error: 'must be a string' })
    .min(1, { error: 'must not be empty' })
    .max(128, { error: 'must be at most 128 characters' })
    .regex(noControl, { error: 'must not contain control characters' }),
  at: epochMs,
  utm: utm.optional(),
});

const common = {
  v: z.literal(1, { error: 'unsupported beacon version' }),
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/, { error: 'must be 8-64 characters of A-Z a-z 0-9 _ -' }),
  key: token,
  service: token,
  // Absent or null when the provider does not require a referral (purchases only).
  ref: referral.nullable().optional(),
  time: epochMs,
};

/** A customer id as the onramp accepts it. */
export const customerIdSchema = z
  .string({ error: 'is required' })
  .min(1, { error: 'must not be empty' })
  .max(256, { error: 'must be at most 256 characters' })
  .regex(noControl, { error: 'must not contain control characters or lone surrogates' });

/** A provider key or service name. */
export const tokenSchema = token;

/** The JSON body the pixel sends to `/beacon`; unknown fields are rejected. */
export const beaconSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ ...common, type: z.literal('visit') }),
    z.strictObject({ ...common, type: z.literal('purchase'), customerId: customerIdSchema }),
  ],
  { error: 'must be "visit" or "purchase"' },
);

/** A validated beacon. */
export type Beacon = z.output<typeof beaconSchema>;

/** A referral carried by a beacon. */
export type BeaconReferral = z.output<typeof referral>;

/** Outcome of {@link parseBeacon}: the beacon, or a one-line reason it was refused. */
export type ParsedBeacon = { ok: true; beacon: Beacon } | { ok: false; error: string };

/** Parses and validates beacon JSON text. */
export function parseBeacon(text: string): ParsedBeacon {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: 'body is not valid JSON' };
  }
  const result = beaconSchema.safeParse(json);
  if (result.success) return { ok: true, beacon: result.data };
  const issue = result.error.issues[0];
  const path = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  return { ok: false, error: `${path}${issue?.message ?? 'invalid beacon'}` };
}
