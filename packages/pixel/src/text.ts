// Every id and referral text is cleaned the same way here and in the collector, so a
// customer reported by the page and by the provider's backend is one customer.

/**
 * Control characters (Cc), invisible format characters (Cf: bidi overrides, zero-width
 * spaces and joiners, BOM) and lone surrogates (Cs). The collector refuses Cc and Cs; Cf
 * makes two ids look alike that are not.
 */
export const UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}]/gu;

/** `text` without {@link UNSAFE} characters, in Unicode NFC. */
export const clean = (text: string): string => text.replace(UNSAFE, '').normalize();
