import { now } from './globals';
import { clean, UNSAFE } from './text';
import type { Referral } from './types';

const UTM_KEY = /^utm_[a-z_]{1,32}$/;

// `text` cleaned, then cut to `units` UTF-16 code units (the collector's length unit); a
// surrogate pair the cut splits goes whole (UNSAFE matches its lone half).
const fit = (text: string, units: number): string =>
  clean(text).slice(0, units).replace(UNSAFE, '');

/**
 * Reads the referral id and `utm_*` context from the page's URL, cleaned and trimmed to what
 * the collector accepts: a referral it would refuse must not cost the purchase it travels
 * with. A UTF-16 unit takes at most 3 bytes of UTF-8 in JSON, so the id (128 units) takes at
 * most 384 B and each of at most 10 utm values (170 units) 510 B: with everything else, a
 * beacon stays under the 8 KB the collector accepts.
 */
export const captureReferral = (param: string): Referral | undefined => {
  const query = new URLSearchParams(location.search);
  const id = fit(query.get(param) ?? '', 128);
  const utm: Record<string, string> = {};
  let count = 0;
  for (const [key, value] of query) {
    if (UTM_KEY.test(key) && count++ < 10) utm[key.slice(4)] = fit(value, 170);
  }
  if (id) return { id, at: now(), utm };
};
