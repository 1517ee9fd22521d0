import {
  BEFORE_CONNECT,
  cutAnswer,
  MAX_ANSWER_BYTES,
  networkError,
  type OnrampResult,
} from './onramp-answer.js';
import { httpPost, type Post } from './onramp-http.js';

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
 * Creates a marketplace client: node:http(s) over keep-alive connections, or `fetch` when
 * one is given (tests inject faults that way). Both answer alike.
 */
export function createOnrampClient(options: {
  timeoutMs: number;
  fetch?: typeof fetch;
}): OnrampClient {
  const { timeoutMs } = options;
  const send = options.fetch ? fetchPost(options.fetch, timeoutMs) : httpPost(timeoutMs);
  return {
    post: (url, body, { signal } = {}) =>
      send(url, typeof body === 'string' ? body : JSON.stringify(body), signal),
  };
}

// One controller per call, its timer cleared and its listener removed as soon as the call
// is over: AbortSignal.timeout() would keep each call's timer (and with AbortSignal.any(),
// its signals) alive for the whole timeout.
function fetchPost(doFetch: typeof fetch, timeoutMs: number): Post {
  return async (url, text, signal) => {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError'));
    }, timeoutMs);
    const stop = () => controller.abort(signal?.reason);
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
    try {
      const response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: text,
        // A redirect could carry the body to a host nobody configured; report it instead.
        redirect: 'manual',
        signal: controller.signal,
      });
      return {
        type: 'response',
        ok: response.ok,
        status: response.status,
        body: await readAnswer(response),
        retryAfter: response.headers.get('retry-after'),
      };
    } catch (error) {
      return networkError(timedOut ? `timed out after ${timeoutMs} ms` : describe(error), {
        timedOut,
        notSent: !timedOut && notSent(error),
      });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
    }
  };
}

// The first 2 KB of the answer (see cutAnswer). The rest is never read: an onramp (or
// anything at its address) answering without end must not hold the worker or its memory.
// Cancelling the stream closes the connection.
async function readAnswer(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  let more = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      more = true;
      await reader.cancel().catch(() => {});
      break;
    }
  }
  return cutAnswer(chunks, more);
}

function notSent(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' && BEFORE_CONNECT.has(cause.code);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // undici hides the socket error (ECONNREFUSED, ENOTFOUND...) in `cause`.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
