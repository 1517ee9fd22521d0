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
  | { type: 'network-error'; ok: false; error: string; timedOut: boolean };

/** Body of `POST /api/SaasTrackings`. */
export interface SaasTracking {
  partnerKey: string;
  serviceName: string;
  customerId: string;
  /** ISO-8601 UTC. */
  purchasedAt: string;
}

/** Options for one call. */
export interface CallOptions {
  /** Aborts the call early (shutdown); the timeout applies regardless. */
  signal?: AbortSignal;
}

/** Client for the marketplace onramp. Calls never throw; failures are results. */
export interface OnrampClient {
  /** POSTs `body` as JSON to `${baseUrl}${path}`. */
  post(path: string, body: unknown, options?: CallOptions): Promise<OnrampResult>;
  saasTracking(tracking: SaasTracking, options?: CallOptions): Promise<OnrampResult>;
}

/** Creates an onramp client; `fetch` is injectable for tests. */
export function createOnrampClient(options: {
  baseUrl: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}): OnrampClient {
  const { timeoutMs, fetch: doFetch = fetch } = options;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');

  const post: OnrampClient['post'] = async (path, body, { signal } = {}) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const response = await doFetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        // A redirect could carry the body to a host nobody configured; report it instead.
        redirect: 'manual',
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      });
      return {
        type: 'response',
        ok: response.ok,
        status: response.status,
        body: await response.text(),
        retryAfter: response.headers.get('retry-after'),
      };
    } catch (error) {
      const timedOut = timeout.aborted;
      const message = timedOut ? `timed out after ${timeoutMs} ms` : describe(error);
      return { type: 'network-error', ok: false, error: message, timedOut };
    }
  };

  return {
    post,
    saasTracking: ({ partnerKey, serviceName, customerId, purchasedAt }, callOptions) =>
      // Exactly these four fields, in this order, whatever else the caller's object holds.
      post('/api/SaasTrackings', { partnerKey, serviceName, customerId, purchasedAt }, callOptions),
  };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // undici hides the socket error (ECONNREFUSED, ENOTFOUND...) in `cause`.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
