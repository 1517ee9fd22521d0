import { log } from './log';

/**
 * Hands a beacon to the browser; returns something truthy when it accepted it. sendBeacon
 * with a string body goes out as text/plain, a CORS-safelisted type, so no preflight can
 * drop it cross-origin; where it is missing or refuses, fetch with keepalive, which
 * survives navigation the same way. Every browser that runs the script has one of the two.
 */
export const send = (url: string, body: string): unknown => {
  log('beacon', body);
  try {
    return (
      navigator.sendBeacon?.(url, body) ||
      fetch(url, { method: 'POST', body, keepalive: true }).catch(() => {})
    );
  } catch {
    log('no transport accepted the beacon');
  }
};
