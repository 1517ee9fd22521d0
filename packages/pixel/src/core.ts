import { isDebug, type LooseOptions, resolveSettings, type Settings } from './config';
import { P, stringify } from './globals';
import { eventId, hash } from './id';
import { log, setDebug } from './log';
import { captureReferral } from './referral';
import { read, write } from './storage';
import { send } from './transport';
import type { Options, PurchaseResult, Referral, SkipReason } from './types';

const REFERRAL_KEY = 'clm_ref';
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses.
const CUSTOMER_ID = /^[^\0-\x1f\x7f-\x9f]{1,256}$/;

let settings: Settings | undefined;

const beacon = (s: Settings, type: string, fields: object): boolean => {
  const body = stringify({
    v: 1,
    type,
    id: eventId(),
    key: s._key,
    service: s._service,
    ...fields,
    time: Date.now(),
  });
  log(type, body);
  return send(s._url, body);
};

/** The referral stored within the window, or `null`. */
export const referral = (): Referral | null => {
  const ref = read<Referral>(REFERRAL_KEY);
  return ref && settings && Date.now() - ref.at < settings._window ? ref : null;
};

/**
 * Configures the pixel and captures a referral from the current URL. Returns false, and
 * sends nothing, when the provider key, service or collector is missing.
 */
export const init = (options: Options | LooseOptions): boolean => {
  try {
    setDebug(isDebug(options));
    const s = resolveSettings(options);
    settings = s;
    if (!s) {
      log('off: needs data-provider-key and data-service');
      return false;
    }
    const now = Date.now();
    const landed = captureReferral(
      location.href,
      (options.referralParam as string) || 'clm_ref',
      now,
    );
    if (landed) {
      // Last click wins; reloading the same landing page is not a new visit.
      const isNew = referral()?.id !== landed.id;
      write(REFERRAL_KEY, landed, s._window);
      if (isNew) beacon(s, 'visit', { ref: landed });
    }
    return true;
  } catch {
    return false;
  }
};

const attempt = (customerId: unknown): SkipReason | undefined => {
  const s = settings;
  if (!s) return 'not-initialized';
  const id = typeof customerId === 'number' ? String(customerId) : customerId;
  if (typeof id !== 'string' || !CUSTOMER_ID.test(id)) return 'invalid-customer-id';
  const ref = referral();
  if (!ref && s._requireReferral) return 'no-referral';
  // Only a hash of the customer id is kept in the browser.
  const sentKey = `clm_sent_${hash(`${s._key}|${s._service}|${id}`)}`;
  const now = Date.now();
  if (now - (read<number>(sentKey) ?? -Infinity) < s._window) return 'already-sent';
  if (!beacon(s, 'purchase', { customerId: id, ref })) return 'transport-failed';
  write(sentKey, now, s._window);
};

/**
 * Reports a purchase (a new account) for `customerId`. Resolves, never rejects, with
 * whether a beacon was sent and, if not, why.
 */
export const purchase = (customerId: unknown): Promise<PurchaseResult> => {
  let reason: SkipReason | undefined;
  try {
    reason = attempt(customerId);
    log('purchase', reason || 'sent');
  } catch {
    reason = 'error';
  }
  const result: PurchaseResult = reason ? { sent: false, reason } : { sent: true };
  try {
    return P.resolve(result);
  } catch {
    // `Promise` was already broken when the script loaded: hand back the plain result.
    return result as never;
  }
};
