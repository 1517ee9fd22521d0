import {
  beaconUrl,
  configure,
  providerKey,
  referralParam,
  requireReferral,
  service,
  windowMs,
} from './config';
// The localStorage entry and the cookie share one name.
import { NAME as REFERRAL_KEY, referral, share } from './cookie';
import { now, stringify } from './globals';
import { eventId } from './id';
import { log, WHY } from './log';
import { captureReferral } from './referral';
import { read, write } from './storage';
import { clean } from './text';
import { send } from './transport';
import type { Options, PurchaseResult, Referral, SkipReason } from './types';

export { referral };

// One expression, which minifies smallest; the debug build's message is send()'s.
const beacon = (type: string, fields: object): unknown =>
  send(stringify({ v: 1, type, id: eventId(), key: providerKey, service, ...fields, time: now() }));

// The referral of this page's URL, if any: announced once, then stored and shared. The visit
// beacon goes first, so it is not lost where the cookie cannot be written (sandboxed pages).
const land = (landed: Referral | '' | undefined): void => {
  if (landed) {
    // Last click wins; reloading the same landing page is not a new visit.
    if (referral()?.id !== landed.id) {
      log('referral', landed, 'new');
      beacon('visit', { ref: landed });
    } else log('referral', landed, 'seen before: no visit beacon');
    write(REFERRAL_KEY, landed);
    share(landed);
  } else if (beaconUrl) {
    log(`no ?${referralParam || REFERRAL_KEY}= in this URL: nothing captured, nothing sent`);
  }
};

/**
 * Captures a referral from the current URL with the settings configure() took; may throw.
 * Without locals or an early return, the minifier writes it out in place.
 */
export const start = (): void => {
  if (beaconUrl) log('on: beacons go to', beaconUrl);
  else log('off: needs data-provider-key and data-service');
  land(beaconUrl && captureReferral(referralParam || REFERRAL_KEY));
};

/**
 * Configures the pixel and captures a referral from the current URL. Returns false, and
 * sends nothing, when the provider key, service or collector is missing.
 */
export const init = (options: Options): boolean => {
  try {
    configure(options);
    start();
    return !!beaconUrl;
  } catch {
    return false;
  }
};

const attempt = (customerId: unknown): SkipReason | undefined => {
  if (!beaconUrl) return 'off';
  // A string, or a number turned into one.
  const text = `${customerId}`;
  const id = (customerId === text || customerId === +text) && clean(text);
  // Over 256 UTF-16 units: there is a unit at index 256.
  if (!id || id[256]) return 'invalid-id';
  if (id !== text) log('customer id cleaned (NFC, no control or invisible characters):', id);
  const ref = referral();
  if (!ref && requireReferral) return 'no-referral';
  // Only a hash of the customer id is kept in the browser (sdbm, 32 bits; per service, as
  // one site may sell several).
  let hash = 0;
  for (const ch of `${service}|${id}`) hash = (hash * 65599 + (ch.codePointAt(0) as number)) | 0;
  const sentKey = `clm_sent_${hash}`;
  // Never sent: NaN, and the comparison is false.
  if (now() - (read(sentKey) as number) < windowMs) return 'already-sent';
  // The browser took neither transport: not marked as sent, so a later call retries.
  if (!beacon('purchase', { customerId: id, ref })) return 'error';
  write(sentKey, now());
};

/**
 * Reports a purchase (a new account) for `customerId`. Resolves, never rejects, with
 * whether a beacon was sent and, if not, why.
 */
// async: the engine's own Promise, whatever the page has done to `window.Promise`.
export const purchase = async (customerId: unknown): Promise<PurchaseResult> => {
  // Unless attempt() returns: it may throw where the page has broken what it relies on.
  let reason: SkipReason | undefined = 'error';
  try {
    reason = attempt(customerId);
  } catch {}
  log('purchase', customerId, reason ? `not sent: ${reason}: ${WHY[reason]}` : 'sent');
  return reason ? { sent: false, reason } : { sent: true };
};
