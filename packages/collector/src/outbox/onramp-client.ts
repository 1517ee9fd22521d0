import type { OnrampResult } from './onramp-answer.js';
import { httpPost } from './onramp-http.js';

export type { OnrampResult } from './onramp-answer.js';
export { MAX_ANSWER_BYTES } from './onramp-answer.js';

/** Options for one call. */
export interface CallOptions {
  /** Aborts the call early (shutdown); the timeout applies regardless. */
  signal?: AbortSignal;
}

/** Client for the marketplace's endpoints. Calls never throw; failures are results. */
export interface OnrampClient {
  /** POSTs `body` as JSON to `url` (a string is sent as it is: JSON text already). */
  post(url: string, body: unknown, options?: CallOptions): Promise<OnrampResult>;
}

/**
 * Creates a marketplace client: node:http(s) over keep-alive connections, the same in
 * production and in tests (which fault real loopback servers, not the client).
 */
export function createOnrampClient(options: { timeoutMs: number }): OnrampClient {
  const send = httpPost(options.timeoutMs);
  return {
    post: (url, body, { signal } = {}) =>
      send(url, typeof body === 'string' ? body : JSON.stringify(body), signal),
  };
}
