import { beaconUrl as url } from './config';
import { log } from './log';

/**
 * Hands a beacon to the browser, for the collector configure() set (the one place beacons go:
 * no parameter to pass); returns something truthy when it accepted it. sendBeacon
 * with a string body goes out as text/plain, a CORS-safelisted type, so no preflight can
 * drop it cross-origin; where it is missing or refuses, fetch with keepalive, which
 * survives navigation the same way. Every browser that runs the script has one of the two.
 */
export const send = (body: string): unknown => {
  log('beacon', body);
  try {
    return (
      navigator.sendBeacon?.(url as string, body) ||
      fetch(url as string, { method: 'POST', body, keepalive: true }).catch(() => {})
    );
  } catch {
    log('no transport accepted the beacon');
  }
};
