// The referral shared across a domain's subdomains (`data-cookie-domain`): marketing pages
// on www. and signup on app. have two localStorages, but one cookie on the parent domain.
// The value is the referral as JSON, URI-encoded, so a provider's backend reads it with
// `JSON.parse(decodeURIComponent(value))` and passes it on with `POST /api/purchases`.
import { cookieDomain, windowMs } from './config';
import { DEBUG } from './debug';
import { now, parse, stringify } from './globals';
import { log } from './log';
import { read } from './storage';
import type { Referral } from './types';

export const NAME = 'clm_ref';

/**
 * The referral stored within the window, or `null`. With a cookie domain, the cookie's
 * referral where it is newer than this page's own (a later landing on another subdomain) or
 * the page has none. A `clm_ref` the pixel did not write (a backend's raw `12345`, other
 * JSON) never replaces the page's own. Only the first `clm_ref` the browser lists is read
 * (the README says what that means for a host-only cookie of the same name).
 */
export const referral = (): Referral | null => {
  let ref = read<Referral>(NAME);
  try {
    // Without a cookie domain the cookie is not read: `shared` is undefined, and reading its
    // id throws. URLSearchParams decodes what encodeURIComponent wrote; browsers join
    // cookies with "; ".
    const shared =
      cookieDomain &&
      parse(new URLSearchParams(document.cookie.replace(/; /g, '&')).get(NAME) as string);
    if (DEBUG && shared) log('read cookie clm_ref:', shared);
    // Only with a non-empty string id (of the JSON types, only a string has `big`) and a time
    // newer than the page's: a missing or non-numeric time compares false.
    if (shared.id?.big && shared.id && shared.at > ((ref?.at as number) || 0)) ref = shared;
  } catch {}
  // Nothing stored, or no time: NaN, and the comparison is false.
  return now() - (ref?.at as number) < windowMs ? (ref as Referral) : null;
};

/**
 * With a cookie domain, writes `ref` to the `clm_ref` cookie there for the referral window:
 * first its id and time alone, then whole. A browser ignores a cookie whose name and value
 * pass 4,096 bytes (RFC 6265bis 5.6), as the whole one may with long `utm_*` values; the id
 * alone fits (at most 128 units, 1,152 B encoded). Sandboxed documents throw: the caller's
 * catch takes it.
 */
export const share = (ref: Referral): void => {
  if (!cookieDomain) return;
  // `;secure` on https only: the fifth character of `https:` is `s`; that of `http:` a colon,
  // and browsers ignore the unknown attribute `:ecure`. Max-age in whole seconds: browsers
  // ignore one with a fraction (0.7 days), and the cookie would last the session instead;
  // `| 0` holds windows up to 24,855 days (2^31 s), the README says.
  for (const fields of [['id', 'at'], null]) {
    // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is async, and missing in Firefox and older Safari.
    document.cookie = `${NAME}=${encodeURIComponent(stringify(ref, fields))};domain=${cookieDomain};path=/;max-age=${(windowMs / 1e3) | 0};samesite=lax;${location.protocol[4]}ecure`;
  }
  log('wrote cookie clm_ref on', cookieDomain, ref);
};
