import type { Api } from './types';

declare global {
  interface Window {
    /** The documented stub queues `[method, arguments]` in `q` until the script loads. */
    clmPixel?: Partial<Api> & { q?: [string, ArrayLike<unknown>][] };
  }
}
