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

/** Clears what the pixel keeps in localStorage (its memory goes with vi.resetModules). */
export const clearStorage = (): void => localStorage.clear();
