import { z } from 'zod';
import { checkBeacon, checkReferral } from './beacon-check.js';
import { epochMs, readReferral, referralSchema } from './referral-schema.js';
import { cleanText } from './text.js';

// Printable ASCII without spaces: what provider keys and service names look like.
const token = z.string().regex(/^[\x21-\x7e]{1,128}$/, {
  error: 'must be 1-128 printable ASCII characters without spaces',
});

/**
 * A customer id as the onramp accepts it, cleaned as the pixel cleans it (control,
 * invisible format and lone surrogate characters removed, NFC). Refused when nothing is left
 * or it is over 256 UTF-16 units: an id is never cut, that would name another customer.
 */
export const customerIdSchema = z
  .string({ error: 'is required' })
  .overwrite(cleanText)
  .min(1, { error: 'must not be empty' })
  // `length`, not zod's `max`: that counts code points, so 200 emoji (400 units) passed.
  .refine((id) => id.length <= 256, { error: 'must be at most 256 UTF-16 code units' });

/** A provider key or service name. */
export const tokenSchema = token;

// The beacon with its referral (absent or null when the provider does not require one)
// checked by `ref`; parseBeacon checks it apart, so that a bad one costs only itself.
const beaconWith = <R extends z.ZodType>(ref: R) => {
  const common = {
    v: z.literal(1, { error: 'unsupported beacon version' }),
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{8,64}$/, { error: 'must be 8-64 characters of A-Z a-z 0-9 _ -' }),
    key: token,
    service: token,
    ref,
    time: epochMs,
  };
  return z.discriminatedUnion(
    'type',
    [
      z.strictObject({ ...common, type: z.literal('visit') }),
      z.strictObject({ ...common, type: z.literal('purchase'), customerId: customerIdSchema }),
    ],
    { error: 'must be "visit" or "purchase"' },
  );
};

/** The JSON body the pixel sends to `/beacon`, cleaned; unknown fields are rejected. */
export const beaconSchema = beaconWith(referralSchema.nullable().optional());

const envelopeSchema = beaconWith(z.unknown().optional());

/** A validated beacon. */
export type Beacon = z.output<typeof beaconSchema>;

/** A referral carried by a beacon. */
export type BeaconReferral = z.output<typeof referralSchema>;

/**
 * Outcome of {@link parseBeacon}: the beacon (without a referral it could not use, and
 * why), or a one-line reason it was refused.
 */
export type ParsedBeacon =
  | { ok: true; beacon: Beacon; referralDropped?: string }
  | { ok: false; error: string };

/** Parses and validates beacon JSON text. */
export function parseBeacon(text: string): ParsedBeacon {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: 'body is not valid JSON' };
  }
  // The pixel's beacons, checked by hand; anything else the schema decides, in its words.
  const checked = checkBeacon(json);
  if (checked) {
    const { beacon, ref } = checked;
    if (ref === undefined || ref === null) {
      beacon.ref = null;
      return { ok: true, beacon: beacon as Beacon };
    }
    const referral = checkReferral(ref);
    if (referral) {
      beacon.ref = referral;
      return { ok: true, beacon: beacon as Beacon };
    }
  }
  return parseWithSchema(json);
}

/** {@link parseBeacon} by the schema alone, for what the fast check does not take. */
export function parseWithSchema(json: unknown): ParsedBeacon {
  const result = envelopeSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return { ok: false, error: `${path}${issue?.message ?? 'invalid beacon'}` };
  }
  const { referral, dropped } = readReferral(referralSchema, result.data.ref, 'ref');
  const beacon = { ...result.data, ref: referral };
  return dropped === undefined
    ? { ok: true, beacon }
    : { ok: true, beacon, referralDropped: dropped };
}
