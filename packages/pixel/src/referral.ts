import type { Referral } from './types';

/**
 * Reads the referral id and `utm_*` context from a landing URL. Trimmed to the collector's
 * limits: a referral it would reject must not cost the purchase it travels with.
 */
export const captureReferral = (href: string, param: string, now: number): Referral | undefined => {
  const query = new URL(href).searchParams;
  const id = query
    .get(param)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it drops.
    ?.replace(/[\0-\x1f\x7f-\x9f]/g, '')
    .slice(0, 128);
  const utm: Record<string, string> = {};
  let count = 0;
  query.forEach((value, key) => {
    if (/^utm_[a-z_]{1,32}$/.test(key) && count++ < 10) utm[key.slice(4)] = value.slice(0, 256);
  });
  if (id) return { id, at: now, utm };
};
