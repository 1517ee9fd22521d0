// First-party storage: localStorage, or memory for the page's life where it throws or is
// absent (blocked storage, private modes). No cookie here: where localStorage is blocked,
// cookies are too, and a cookie rides on every request to the provider's server; only the
// referral goes to one, and only when the provider asks (cookie.ts). Callers check expiry
// themselves against the page clock.
import { parse, stringify } from './globals';
import { log } from './log';

// Only what localStorage refused; read first, so the page sees its latest write.
const memory: Record<string, string> = {};

/** The JSON value stored under `name`, or undefined. */
export const read = <T>(name: string): T | undefined => {
  try {
    // A missing entry reads as undefined, which parse() refuses: undefined again.
    return parse(memory[name] ?? localStorage[name]);
  } catch {}
};

/** Stores `value` as JSON under `name`; never throws. */
export const write = (name: string, value: unknown): void => {
  const raw = stringify(value);
  try {
    localStorage[name] = raw;
  } catch {
    memory[name] = raw;
    log('localStorage unavailable: remembered for this page only');
  }
};
