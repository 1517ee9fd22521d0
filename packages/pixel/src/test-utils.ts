import { vi } from 'vitest';

/** Replaces navigator.sendBeacon and returns the bodies it was handed, parsed. */
export const captureBeacons = (accept = true) => {
  const sent: { url: string; body: Record<string, unknown> }[] = [];
  const sendBeacon = vi.fn((url: string, body: string) => {
    sent.push({ url, body: JSON.parse(body) });
    return accept;
  });
  Object.defineProperty(navigator, 'sendBeacon', { value: sendBeacon, configurable: true });
  return { sent, sendBeacon };
};

/** Sets the page URL without navigating. */
export const visit = (path: string): void => history.replaceState(null, '', path);

/** Clears every first-party trace the pixel may have left. */
export const clearStorage = (): void => {
  localStorage.clear();
  for (const c of document.cookie.split('; ')) {
    const name = c.split('=')[0];
    // biome-ignore lint/suspicious/noDocumentCookie: expiring what storage.ts wrote the same way.
    if (name) document.cookie = `${name}=;max-age=0;path=/`;
  }
};
