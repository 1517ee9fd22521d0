import { describe, expect, it } from 'vitest';
import type { OnrampResult } from './onramp-client.js';
import { decide, parseRetryAfter, truncateBody } from './policy.js';

const NOW = Date.parse('2025-01-01T00:00:00Z');
const policy = { baseMs: 1000, maxMs: 600_000, maxAgeMs: 72 * 3_600_000 };

const http = (status: number, retryAfter: string | null = null): OnrampResult => ({
  type: 'response',
  ok: status >= 200 && status < 300,
  status,
  body: `body ${status}`,
  retryAfter,
});
const network: OnrampResult = {
  type: 'network-error',
  ok: false,
  error: 'fetch failed: ECONNREFUSED',
  timedOut: false,
  notSent: true,
};
const timeout: OnrampResult = {
  type: 'network-error',
  ok: false,
  error: 'timed out after 10000 ms',
  timedOut: true,
  notSent: false,
};

describe('decide', () => {
  it.each([
    // result, attempts, ageMs, random, expected
    ['200', http(200), 1, 0, 0.5, { action: 'delivered' }],
    ['201', http(201), 3, 0, 0.5, { action: 'delivered' }],
    ['204 after max age', http(204), 9, policy.maxAgeMs + 1, 0.5, { action: 'delivered' }],
    [
      '503, first attempt',
      http(503),
      1,
      0,
      0.5,
      { action: 'retry', at: NOW + 500, reason: 'HTTP 503' },
    ],
    [
      '500, third attempt',
      http(500),
      3,
      0,
      0.5,
      { action: 'retry', at: NOW + 2000, reason: 'HTTP 500' },
    ],
    ['502, full jitter low', http(502), 4, 0, 0, { action: 'retry', at: NOW, reason: 'HTTP 502' }],
    [
      '504, full jitter high',
      http(504),
      4,
      0,
      0.999,
      { action: 'retry', at: NOW + 7992, reason: 'HTTP 504' },
    ],
    ['408', http(408), 1, 0, 0.5, { action: 'retry', at: NOW + 500, reason: 'HTTP 408' }],
    ['429', http(429), 2, 0, 0.5, { action: 'retry', at: NOW + 1000, reason: 'HTTP 429' }],
    [
      'backoff capped at 10 min',
      http(503),
      30,
      0,
      0.999,
      { action: 'retry', at: NOW + 599_400, reason: 'HTTP 503' },
    ],
    [
      'Retry-After seconds longer than backoff',
      http(503, '120'),
      1,
      0,
      0.5,
      { action: 'retry', at: NOW + 120_000, reason: 'HTTP 503' },
    ],
    [
      'Retry-After shorter than backoff',
      http(429, '1'),
      5,
      0,
      0.5,
      { action: 'retry', at: NOW + 8000, reason: 'HTTP 429' },
    ],
    [
      'Retry-After date',
      http(503, new Date(NOW + 90_000).toUTCString()),
      1,
      0,
      0.5,
      { action: 'retry', at: NOW + 90_000, reason: 'HTTP 503' },
    ],
    [
      'Retry-After capped',
      http(503, '86400'),
      1,
      0,
      0.5,
      { action: 'retry', at: NOW + 600_000, reason: 'HTTP 503' },
    ],
    [
      'Retry-After garbage ignored',
      http(503, 'soon'),
      1,
      0,
      0.5,
      { action: 'retry', at: NOW + 500, reason: 'HTTP 503' },
    ],
    [
      'network error',
      network,
      1,
      0,
      0.5,
      { action: 'retry', at: NOW + 500, reason: 'network error: fetch failed: ECONNREFUSED' },
    ],
    [
      'timeout',
      timeout,
      2,
      0,
      0.5,
      { action: 'retry', at: NOW + 1000, reason: 'timed out after 10000 ms' },
    ],
    [
      '503 just before max age',
      http(503),
      50,
      policy.maxAgeMs - 1,
      0,
      { action: 'retry', at: NOW, reason: 'HTTP 503' },
    ],
    [
      '503 at max age',
      http(503),
      50,
      policy.maxAgeMs,
      0.5,
      { action: 'dead', reason: 'gave up after 50 attempts; last: HTTP 503' },
    ],
    [
      'timeout past max age',
      timeout,
      7,
      policy.maxAgeMs + 1,
      0.5,
      { action: 'dead', reason: 'gave up after 7 attempts; last: timed out after 10000 ms' },
    ],
    ['400', http(400), 1, 0, 0.5, { action: 'dead', reason: 'HTTP 400: rejected by the onramp' }],
    ['401', http(401), 1, 0, 0.5, { action: 'dead', reason: 'HTTP 401: rejected by the onramp' }],
    ['404', http(404), 1, 0, 0.5, { action: 'dead', reason: 'HTTP 404: rejected by the onramp' }],
    ['409', http(409), 2, 0, 0.5, { action: 'dead', reason: 'HTTP 409: rejected by the onramp' }],
    [
      '301',
      http(301),
      1,
      0,
      0.5,
      { action: 'dead', reason: 'HTTP 301: redirects are not followed' },
    ],
    [
      '307',
      http(307),
      1,
      0,
      0.5,
      { action: 'dead', reason: 'HTTP 307: redirects are not followed' },
    ],
  ] as const)('%s', (_name, result, attempts, ageMs, random, expected) => {
    expect(decide({ result, attempts, ageMs, now: NOW, random: () => random }, policy)).toEqual(
      expected,
    );
  });
});

describe('parseRetryAfter', () => {
  it.each([
    [null, null],
    ['0', 0],
    [' 30 ', 30_000],
    ['-5', null],
    ['1.5', null],
    [new Date(NOW + 5000).toUTCString(), 5000],
    [new Date(NOW - 5000).toUTCString(), 0],
    ['tomorrow-ish', null],
  ])('%j -> %j', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe('truncateBody', () => {
  it('keeps short bodies and cuts long ones to 2 KB', () => {
    expect(truncateBody('short')).toBe('short');
    expect(truncateBody('x'.repeat(5000))).toBe(`${'x'.repeat(2048)}…`);
  });
});
