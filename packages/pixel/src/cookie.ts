// The referral shared across a domain's subdomains (`data-cookie-domain`): marketing pages
// on www. and signup on app. have two localStorages, but one cookie on the parent domain.
// The value is the referral as JSON, URI-encoded, so a provider's backend reads it with
// `JSON.parse(decodeURIComponent(value))` and passes it on with `POST /api/purchases`.
import { cookieDomain, windowMs } from './config';
import { parse, stringify } from './globals';
import { log } from './log';
import type { Referral } from './types';

export const NAME = 'clm_ref';

/**
 * The page's own referral, or the cookie's where it is newer (a later landing on another
 * subdomain) or the page has none; without a cookie domain, the page's own.
 */
export const newest = (own: Referral | undefined): Referral | undefined => {
  if (cookieDomain) {
    try {
      // URLSearchParams decodes what encodeURIComponent wrote; browsers join cookies with "; ".
      // Without a cookie, `shared` is null and reading its time throws: the page's own stays.
      const shared: Referral = parse(
        new URLSearchParams(document.cookie.replace(/; /g, '&')).get(NAME) as string,
      );
      if (shared) log('read cookie clm_ref:', shared);
      // Without a referral of its own, the comparison is false and the shared one is taken.
      if (!((own?.at as number) >= shared.at)) own = shared;
    } catch {}
  }
  return own;
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
  // and browsers ignore the unknown attribute `:ecure`.
  for (const fields of [['id', 'at'], null]) {
    // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is async, and missing in Firefox and older Safari.
    document.cookie = `${NAME}=${encodeURIComponent(stringify(ref, fields))};domain=${cookieDomain};path=/;max-age=${windowMs / 1e3};samesite=lax;${location.protocol[4]}ecure`;
  }
  log('wrote cookie clm_ref on', cookieDomain, ref);
};
