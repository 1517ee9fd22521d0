import type { Options } from './types';

/** The script tag's attributes: strings where {@link Options} has numbers and booleans. */
export type LooseOptions = { [K in keyof Options]?: Options[K] | string };

// The settings in effect, as module state: the build joins modules into one scope, where
// plain variables cost fewer bytes than a settings object passed around.
export let providerKey: string;
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
 * key or service; throws without a collector or script URL.
 */
export const configure = (o: LooseOptions, scriptUrl?: string): void => {
  const days = +(o.windowDays as string);
  providerKey = o.providerKey as string;
  service = o.service as string;
  beaconUrl =
    providerKey &&
    service &&
    (o.collector || new URL('.', scriptUrl).href).replace(/\/?$/, '/beacon');
  windowMs = (days > 0 ? days : 30) * 864e5;
  requireReferral = `${o.requireReferral}` !== 'false';
  cookieDomain = o.cookieDomain as string;
};
