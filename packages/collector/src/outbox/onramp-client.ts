/** What one onramp call came to. */
export type OnrampResult =
  | {
      type: 'response';
      ok: boolean;
      status: number;
      body: string;
      /** The `Retry-After` header, if any. */
      retryAfter: string | null;
    }
  | {
      type: 'network-error';
      ok: false;
      error: string;
      timedOut: boolean;
      /** The connection failed before the request was written: it certainly did not arrive. */
      notSent: boolean;
    };

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

/** Creates a marketplace client; `fetch` is injectable for tests. */
export function createOnrampClient(options: {
  timeoutMs: number;
  fetch?: typeof fetch;
}): OnrampClient {
  const { timeoutMs, fetch: doFetch = fetch } = options;

  const post: OnrampClient['post'] = async (url, body, { signal } = {}) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
        // A redirect could carry the body to a host nobody configured; report it instead.
        redirect: 'manual',
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      });
      return {
        type: 'response',
        ok: response.ok,
        status: response.status,
        body: await readAnswer(response),
        retryAfter: response.headers.get('retry-after'),
      };
    } catch (error) {
      const timedOut = timeout.aborted;
      const message = timedOut ? `timed out after ${timeoutMs} ms` : describe(error);
      return {
        type: 'network-error',
        ok: false,
        error: message,
        timedOut,
        notSent: !timedOut && notSent(error),
      };
    }
  };

  return { post };
}

/** Most of an answer read, in bytes: what the relay row keeps (outbox/policy.ts). */
export const MAX_ANSWER_BYTES = 2048;

// The first 2 KB of the answer, cut between characters, with "…" when there was more. The
// rest is never read: an onramp (or anything at its address) answering without end must
// not hold the worker or its memory. Cancelling the stream closes the connection.
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
  const bytes = Buffer.concat(chunks);
  // A cut inside a character backs up to its first byte (continuation bytes are 10xxxxxx).
  let end = Math.min(bytes.length, MAX_ANSWER_BYTES);
  if (more) while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  const text = new TextDecoder().decode(bytes.subarray(0, end));
  return more ? `${text}…` : text;
}

// Socket errors raised before a connection exists: nothing of the request was written.
const BEFORE_CONNECT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

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
