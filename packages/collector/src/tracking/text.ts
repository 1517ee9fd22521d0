// Ids and referral text are cleaned exactly as the pixel cleans them
// (packages/pixel/src/text.ts), so a customer reported by a page and by the provider's
// backend is one customer, whichever pixel version the page ran.

/**
 * Control characters (Cc), invisible format characters (Cf: bidi overrides, zero-width
 * spaces and joiners, BOM) and lone surrogates (Cs, which SQLite's UTF-8 would turn into
 * U+FFFD, so the onramp would get another id than the page sent).
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}]/gu;

/** `text` without control, invisible format and lone surrogate characters, in Unicode NFC. */
export const cleanText = (text: string): string => text.replace(UNSAFE, '').normalize('NFC');
