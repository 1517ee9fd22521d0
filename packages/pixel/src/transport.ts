/**
 * Hands a beacon to the browser; returns whether some transport accepted it.
 * sendBeacon with a string body goes out as text/plain, a CORS-safelisted type, so no
 * preflight can drop it cross-origin; fetch with keepalive survives navigation the same
 * way; an image request is the last resort for browsers with neither.
 */
export const send = (url: string, body: string): boolean => {
  for (const transport of [
    () => navigator.sendBeacon(url, body),
    () => fetch(url, { method: 'POST', body, keepalive: true }).catch(() => {}),
    () => {
      new Image().src = `${url}?d=${encodeURIComponent(body)}`;
      return 1;
    },
  ]) {
    try {
      if (transport()) return true;
    } catch {}
  }
  return false;
};
