import { z } from 'zod';

// The kinds of value environment variables hold, shared by every feature's settings so
// that the same kind of mistake reads the same whichever variable it is in.

/** A comma-separated list, blanks dropped. */
export const list = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

const isHttpUrl = (value: string) =>
  URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);

/** An http(s) base URL, its trailing slashes cut (the relay appends `/api/...`). */
export const httpUrl = z
  .string({ error: 'is required' })
  .refine(isHttpUrl, { error: 'must be an http:// or https:// URL' })
  .transform((value) => value.replace(/\/+$/, ''));

/** An endpoint given whole (the marketplace's URLs end in a slash that matters). */
export const endpointUrl = z
  .string()
  .refine(isHttpUrl, { error: 'must be an http:// or https:// URL' });

/** A whole number from `min` to `max`. */
export const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: 'must be a whole number' })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `must be at least ${min}` })
        .max(max, { error: `must be at most ${max}` }),
    );

/** A whole number from `min` to `max`, `fallback` when unset. */
export const int = (min: number, max: number, fallback: number) =>
  wholeNumber(min, max).default(fallback);

/** One of `values`, case and surrounding blanks aside. */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((value) => value.trim().toLowerCase())
    .pipe(z.enum(values, { error: `must be one of ${values.join(', ')}` }));

/** 1-128 printable ASCII characters without spaces, as the marketplace's keys and names. */
export const PRINTABLE = /^[\x21-\x7e]{1,128}$/;

/** A comma-separated list of {@link PRINTABLE} names; `what` names an entry in the error. */
export const printableList = (what: string) =>
  z
    .string()
    .transform(list)
    .pipe(
      z.array(
        z.string().regex(PRINTABLE, {
          error: `each ${what} must be 1-128 printable ASCII characters without spaces`,
        }),
      ),
    )
    .default([]);

/** A secret sent as `Authorization: Bearer <token>`: one word. */
export const bearerToken = z
  .string()
  .min(16, { error: 'must be at least 16 characters' })
  .regex(/^\S+$/, { error: 'must not contain whitespace' });
