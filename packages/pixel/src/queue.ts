import type { Api } from './types';

/**
 * Puts the real API on `window.clmPixel` and replays, in order, the calls the documented
 * stub queued before the script loaded; later calls go straight to the API.
 */
export const replayQueue = (api: Api): void => {
  const queued = window.clmPixel?.q ?? [];
  window.clmPixel = api;
  for (const [method, args] of queued) {
    try {
      (api[method as keyof Api] as (...a: unknown[]) => unknown)(...(args as unknown[]));
    } catch {}
  }
};
