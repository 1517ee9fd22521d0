import { plural } from '../plural.js';
import type { OnrampResult } from './onramp-answer.js';

/** Backoff and give-up settings. */
export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  maxAgeMs: number;
}

/** What to do with a relay after an attempt. */
export type Decision =
  | { action: 'delivered' }
  | { action: 'retry'; at: number; reason: string }
  | { action: 'dead'; reason: string }
  /** Usage reports: it may have arrived; never resent by itself. */
  | { action: 'unconfirmed'; reason: string };

/** Inputs of {@link decide}. */
export interface Attempt {
  result: OnrampResult;
  /** Attempts made so far, including this one (>= 1). */
  attempts: number;
  /** How long ago the relay was created, ms. */
  ageMs: number;
  now: number;
  /** Uniform in [0, 1); injected so tests are deterministic. */
  random: () => number;
}

/** Longest response body kept on a relay row. */
export const MAX_KEPT_BODY = 2048;

/** Cuts a response body down to {@link MAX_KEPT_BODY} characters. */
export function truncateBody(body: string): string {
  return body.length > MAX_KEPT_BODY ? `${body.slice(0, MAX_KEPT_BODY)}…` : body;
}

/**
 * Parses a `Retry-After` value (delay-seconds or an HTTP date) into a delay in ms from
 * `now`; null when absent or unparsable.
 */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // HTTP dates start with a day name; Date.parse alone would also accept "-5" or "1.5".
  const date = /^[A-Za-z]{3}/.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

const isRetryableStatus = (status: number) => status === 408 || status === 429 || status >= 500;

/**
 * Decides the fate of a relay after an onramp call: 2xx is delivered; network errors,
 * timeouts, 408, 429 and 5xx are retried with full-jitter exponential backoff (never
 * sooner than `Retry-After`) until the relay is older than `maxAgeMs`; everything else
 * (other 4xx, and 3xx since redirects are not followed) is dead at once.
 */
export function decide(attempt: Attempt, policy: RetryPolicy): Decision {
  const { result, attempts, ageMs, now, random } = attempt;
  let reason: string;
  let retryAfterMs: number | null = null;
  if (result.type === 'network-error') {
    reason = result.timedOut ? result.error : `network error: ${result.error}`;
  } else if (result.status >= 200 && result.status < 300) {
    return { action: 'delivered' };
  } else if (isRetryableStatus(result.status)) {
    reason = `HTTP ${result.status}`;
    retryAfterMs = parseRetryAfter(result.retryAfter, now);
  } else if (result.status >= 300 && result.status < 400) {
    return { action: 'dead', reason: `HTTP ${result.status}: redirects are not followed` };
  } else {
    return { action: 'dead', reason: `HTTP ${result.status}: rejected by the onramp` };
  }

  if (ageMs >= policy.maxAgeMs) {
    return {
      action: 'dead',
      reason: `gave up after ${plural(attempts, 'attempt')}; last: ${reason}`,
    };
  }
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  const backoff = Math.floor(random() * ceiling);
  const delay = Math.min(policy.maxMs, Math.max(backoff, retryAfterMs ?? 0));
  return { action: 'retry', at: now + delay, reason };
}
