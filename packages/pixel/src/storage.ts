// First-party storage. localStorage first; a cookie when localStorage throws or is absent
// (private modes, blocked storage). Any failure reads as "nothing stored". Callers check
// expiry themselves against the page clock, so it also holds under a faked clock.
import { parse, stringify } from './globals';

/** The JSON value stored under `name`, or undefined. */
export const read = <T>(name: string): T | undefined => {
  let raw: string | null | undefined;
  try {
    raw = localStorage.getItem(name);
  } catch {}
  try {
    return parse(
      raw ??
        decodeURIComponent(
          (document.cookie.match(`(^|; )${name}=([^;]*)`) as string[])[2] as string,
        ),
    );
  } catch {}
};

/** Stores `value` as JSON under `name`, kept for `ms` milliseconds by a cookie; never throws. */
export const write = (name: string, value: unknown, ms: number): void => {
  const raw = stringify(value);
  try {
    localStorage.setItem(name, raw);
  } catch {
    try {
      // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is async and not in every browser.
      document.cookie = `${name}=${encodeURIComponent(raw)};max-age=${ms / 1e3};path=/;SameSite=Lax`;
    } catch {}
  }
};
