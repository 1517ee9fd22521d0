import { numberText, parseExact } from '../exact-json.js';
import { readResponse } from '../http/read-response.js';
import { signForward } from './signature.js';

/** Most of the provider's answer read, in bytes: a larger 2xx is not a usable answer. */
export const MAX_PROVIDER_ANSWER_BYTES = 16 * 1024;

/** Longest provider answer kept or passed on to the buyer, in characters. */
export const MAX_PROVIDER_ANSWER = 2048;

/** What the provider's account-creation endpoint answered. */
export type ForwardResult =
  /** 2xx with a usable `customerId`: the fields to answer, `customerId` a string first. */
  | { type: 'created'; status: number; answer: Record<string, unknown> & { customerId: string } }
  /**
   * 4xx about the order (400, 409, 422, ...): its status, its body (cut short) for the
   * record, and what the buyer is shown: the provider's JSON or text, or a plain sentence.
   */
  | { type: 'refused'; status: number; body: string; reply: { json: unknown } | { text: string } }
  /** 5xx, a 4xx about the request itself (401, 404...), a bad 2xx, a timeout or no answer. */
  | { type: 'failed'; status: number | null; reason: string };

/** Where and how provisioning requests are forwarded. */
export interface ForwardTarget {
  url: string;
  secret: string;
  timeoutMs: number;
  fetch?: typeof fetch;
  /** Unix seconds for the signature; default now. */
  nowSeconds?: () => number;
}

// 4xx answers about the collector's request rather than the buyer's order (a signature
// refused, a wrong URL, a rate limit): a set-up problem the buyer cannot fix, answered like
// a 5xx instead of being shown to them.
const SETUP_ERRORS = new Set([401, 403, 404, 405, 407, 408, 413, 415, 429]);

const cut = (text: string) =>
  text.length > MAX_PROVIDER_ANSWER ? `${text.slice(0, MAX_PROVIDER_ANSWER)}…` : text;

// "YOUR-CUSTOMERID-STRING can be a number, but you must pass it as a string" (seed 002). A
// number is taken as the digits written (never through a double); one with a fraction or
// an exponent names no account for sure (is `1e3` customer "1000"?): not usable.
const WHOLE_NUMBER = /^(0|-?[1-9]\d*)$/;

function customerIdOf(value: unknown): string | null {
  const digits = numberText(value);
  const id = digits === null ? value : WHOLE_NUMBER.test(digits) ? digits : null;
  // Shown on the marketplace, the dashboard and in CSV exports: no control characters (a
  // NUL cannot even be stored in PostgreSQL).
  return typeof id === 'string' && id.trim() !== '' && id.length <= 256 && !/\p{Cc}/u.test(id)
    ? id
    : null;
}

// What the buyer is shown of a 4xx. A cut JSON body is no longer JSON: it goes as text. A
// JSON body that does not parse would be an error page to the buyer: a plain sentence.
function refusal(status: number, text: string, json: boolean) {
  if (!json || text.length > MAX_PROVIDER_ANSWER) return { text: cut(text) };
  try {
    return { json: parseExact(text) };
  } catch {
    return { text: `The provider refused the order (HTTP ${status}).` };
  }
}

/**
 * POSTs the marketplace's body, byte for byte, to the provider's endpoint, signed with
 * `X-CLM-Signature`, and classifies the answer. Never throws.
 */
export async function forwardProvisioning(
  target: ForwardTarget,
  body: string,
): Promise<ForwardResult> {
  const { url, secret, timeoutMs, fetch: doFetch = fetch } = target;
  const now = target.nowSeconds?.() ?? Math.floor(Date.now() / 1000);
  const timeout = AbortSignal.timeout(timeoutMs);
  let response: Response;
  let text: string;
  let more: boolean;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'x-clm-signature': signForward(secret, now, body),
      },
      body,
      redirect: 'manual',
      signal: timeout,
    });
    ({ text, more } = await readResponse(response, MAX_PROVIDER_ANSWER_BYTES));
  } catch (error) {
    const reason = timeout.aborted
      ? `no answer within ${timeoutMs} ms`
      : `could not reach the provider: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : String(error)}`;
    return { type: 'failed', status: null, reason };
  }
  const { status } = response;
  const json = /^application\/([\w.+-]+\+)?json\b/i.test(
    response.headers.get('content-type') ?? '',
  );
  if (SETUP_ERRORS.has(status)) {
    return {
      type: 'failed',
      status,
      reason: `HTTP ${status} from the provider's endpoint: check CLM_PROVISION_FORWARD_URL and CLM_PROVISION_FORWARD_SECRET (${cut(text)})`,
    };
  }
  if (status >= 400 && status < 500) {
    return { type: 'refused', status, body: cut(text), reply: refusal(status, text, json) };
  }
  if (status < 200 || status >= 300) {
    return { type: 'failed', status, reason: `HTTP ${status}: ${cut(text)}` };
  }
  if (more) {
    // Stored with the order and replayed on every repeat and read: never taken whole.
    const limit = `${MAX_PROVIDER_ANSWER_BYTES / 1024} KB`;
    return { type: 'failed', status, reason: `HTTP ${status} answer larger than ${limit}` };
  }
  let parsed: unknown;
  try {
    parsed = parseExact(text);
  } catch (error) {
    const why = error instanceof SyntaxError ? `: ${cut(error.message)}` : '';
    return { type: 'failed', status, reason: `HTTP ${status} without a JSON body${why}` };
  }
  const fields =
    parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {};
  const customerId = customerIdOf((fields as { customerId?: unknown }).customerId);
  if (customerId === null) {
    return { type: 'failed', status, reason: `HTTP ${status} without a customerId: ${cut(text)}` };
  }
  return { type: 'created', status, answer: { ...fields, customerId } };
}
