import { DEBUG } from './debug';
import { setDebug } from './log';
import type { Options } from './types';

/** The script tag's attributes: strings where {@link Options} has numbers and booleans. */
export type LooseOptions = { [K in keyof Options]?: Options[K] | string };

// The settings in effect, as module state: the build joins modules into one scope, where
// plain variables cost fewer bytes than a settings object passed around.
export let providerKey: string;
/** The query parameter that carries the referral id (`data-referral-param`); or empty. */
export let referralParam: string | undefined;
export let service: string;
/** Where beacons go; empty while the pixel is not configured. */
export let beaconUrl: string | undefined;
export let windowMs: number;
export let requireReferral: boolean;
/** The domain the referral is also kept on, in a cookie (`data-cookie-domain`); or empty. */
export let cookieDomain: string | undefined;

/**
 * Takes options (or a script tag's `dataset`, whose values are strings), with the documented
 * defaults. Beacons go to `<collector>/beacon`, or beside the script without a collector
 * (.../t/pixel.js → .../t/beacon). Leaves the pixel off (no `beaconUrl`) without a provider
 * key or service; throws without a collector or script URL. `debug` turns console messages
 * on or off in the builds that have them.
 */
export const configure = (o: LooseOptions, scriptUrl?: string): void => {
  if (DEBUG && o.debug !== undefined) setDebug(`${o.debug}` !== 'false');
  providerKey = o.providerKey as string;
  referralParam = o.referralParam as string;
  service = o.service as string;
  beaconUrl =
    providerKey &&
    service &&
    (o.collector || new URL('.', scriptUrl).href).replace(/\/?$/, '/beacon');
  // A string or a number: `>` and `*` both take a numeric string as its number.
  windowMs = ((o.windowDays as number) > 0 ? (o.windowDays as number) : 30) * 864e5;
  requireReferral = `${o.requireReferral}` !== 'false';
  cookieDomain = o.cookieDomain as string;
};
