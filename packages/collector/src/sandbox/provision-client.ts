import { readResponse } from '../http/read-response.js';
import type { MarketplaceApi } from './books.js';
/** Where the marketplace sends provisioning requests, and the secret it sends with them. */
export interface ProvisioningConfig {
  /** The provider's provisioning endpoint, e.g. the collector's `/marketplace/provision`. */
  url: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token: string;
  /** Give up on the provider after this many ms. Default: 30 000. */
  timeoutMs?: number;
}

/** What was ordered, for the buyer's result page and the list of attempts. */
export interface ProvisioningRequest {
  /** The marketplace's id of the order (v1 sends none: the sandbox's own). */
  provisioningId: string;
  productSkus: string[];
  productId: number;
}

/** How the provider answered, as the marketplace classifies it. */
export type ProvisioningOutcome =
  | { outcome: 'complete'; status: number; customerId: string; fields: Record<string, unknown> }
  | { outcome: 'refused'; status: number; message: string }
  /** `reason` is for the sandbox's operator: never the provider's 5xx body. */
  | { outcome: 'failed'; status: number | null; reason: string };

const DEFAULT_TIMEOUT_MS = 30_000;
// Enough for any sensible answer; a provider streaming more must not exhaust the sandbox.
const BODY_LIMIT = 64 * 1024;
// The most of a provider's 40x message the buyer is shown.
const MESSAGE_LIMIT = 1000;

async function readCapped(res: Response): Promise<{ text: string; truncated: boolean }> {
  const { text, more } = await readResponse(res, BODY_LIMIT);
  return { text, truncated: more };
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// Code points, not UTF-16 units, so the cap never splits a character.
const cap = (text: string) => Array.from(text).slice(0, MESSAGE_LIMIT).join('');

// The seed: "The error message (body or string) will be displayed to the user".
function refusalMessage(text: string, status: number): string {
  const json = parseJson(text);
  const field = isObject(json)
    ? [json.message, json.error].find((v) => typeof v === 'string')
    : undefined;
  const message = (typeof field === 'string' ? field : text).trim();
  return cap(message) || `The provider refused the order (HTTP ${status}).`;
}

// The one success status of each API: seed 002's 200, seed 003's 201.
const SUCCESS = { v2: { status: 200, seed: 'seed 002' }, v1: { status: 201, seed: 'v1' } };

// v2 (seed 002): 200 with `customerId`. v1 (seed 003): 201 with the provider's `coid`.
function completion(
  status: number,
  text: string,
  truncated: boolean,
  api: MarketplaceApi,
): ProvisioningOutcome {
  const json = truncated ? undefined : parseJson(text);
  const field = api === 'v1' ? 'coid' : 'customerId';
  const id = isObject(json) ? json[field] : undefined;
  const success = SUCCESS[api];
  if (status !== success.status) {
    const reason = `the provider answered ${status}, not ${success.seed}'s ${success.status}`;
    return { outcome: 'failed', status, reason };
  }
  // The seed asks for a string but allows a number "passed as a string"; accept both.
  if ((typeof id === 'string' && id !== '') || (typeof id === 'number' && Number.isFinite(id))) {
    const { [field]: _, ...fields } = json as Record<string, unknown>;
    return { outcome: 'complete', status, customerId: String(id), fields };
  }
  return {
    outcome: 'failed',
    status,
    reason: `the provider answered ${status} without a ${field}`,
  };
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return `no answer within ${timeoutMs} ms`;
  }
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const detail = typeof cause?.code === 'string' ? cause.code : String(error);
  return `no answer (${detail})`;
}

/**
 * Sends a provisioning request as the marketplace does (JSON, bearer token, one attempt,
 * redirects not followed so the token goes nowhere else) and classifies the answer: 200
 * with a customerId completes (v1: 201 with a coid), 4xx refuses with the provider's
 * message, anything else (another 2xx, 5xx, a timeout, no answer) fails.
 */
export async function requestProvisioning(
  config: ProvisioningConfig,
  body: Record<string, unknown>,
  api: MarketplaceApi = 'v2',
): Promise<ProvisioningOutcome> {
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let status: number | null = null;
  try {
    const res = await fetch(config.url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${config.token}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = res.status;
    const success = status >= 200 && status < 300;
    if (!success && (status < 400 || status >= 500)) {
      // The buyer gets the generic message whatever the body says: do not wait for it.
      await res.body?.cancel();
      return { outcome: 'failed', status, reason: `the provider answered ${status}` };
    }
    const { text, truncated } = await readCapped(res);
    if (success) return completion(status, text, truncated, api);
    return { outcome: 'refused', status, message: refusalMessage(text, status) };
  } catch (error) {
    return { outcome: 'failed', status, reason: describeFailure(error, timeoutMs) };
  }
}
