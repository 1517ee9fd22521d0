import { Agent, request } from 'node:http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NewEvent } from '../store/types.js';
import { beacon } from '../test-support/beacons.js';
import { startTestCollector } from '../test-support/collector.js';
import { MAX_BEACON_BYTES } from './beacon-route.js';
import { referralSchema } from './referral-schema.js';

// `pnpm fuzz` raises this to 10,000; the normal test run tries a few hundred.
const RUNS = Number(process.env.CLM_FUZZ_RUNS ?? 500);

interface Case {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /**
   * The collector mends rather than refuses: a referral it cannot use is dropped and ids
   * lose invisible characters, so the purchase is kept (204) or, if nothing is left, 4xx.
   */
  mendable?: boolean;
}

const valid = () =>
  beacon({ id: 'evt_fuzz_0001', ref: { id: 'r-1', at: 1, utm: { source: 'm' } } });
const plain = { 'content-type': 'text/plain;charset=UTF-8' };
const post = (kind: string, body: string, headers: Record<string, string> = plain): Case => ({
  kind,
  method: 'POST',
  path: '/beacon',
  headers,
  body,
});
// Inserts a raw `"name":value` member into an object's JSON text (so `__proto__` stays a key).
const withMember = (json: string, name: string, value: string) =>
  json.replace(/^\{/, `{${JSON.stringify(name)}:${value},`);

const wrongType = fc.oneof(
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);
const required = ['v', 'type', 'id', 'key', 'service', 'customerId', 'time'] as const;
const deep = (depth: number, open: string, close: string) =>
  open.repeat(depth) + close.repeat(depth);

const cases: fc.Arbitrary<Case> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }).map((s) => post('random text', s)),
  fc.jsonValue({ maxDepth: 4 }).map((v) => post('random JSON', JSON.stringify(v) ?? 'null')),
  fc
    .integer({ min: 0, max: JSON.stringify(valid()).length - 1 })
    .map((n) => post('truncated JSON', JSON.stringify(valid()).slice(0, n))),
  fc
    .tuple(fc.constantFrom(...required), wrongType)
    .map(([field, value]) => post('wrong type', JSON.stringify({ ...valid(), [field]: value }))),
  fc.constantFrom(...required).map((field) => {
    const beacon: Record<string, unknown> = valid();
    delete beacon[field];
    return post('missing field', JSON.stringify(beacon));
  }),
  fc
    .tuple(
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'),
      fc.constantFrom('{"isAdmin":true}', '{}', 'null', '1', '"x"', '{"key":"PK-1"}'),
      fc.boolean(),
    )
    .map(([name, value, inRef]) => {
      const json = JSON.stringify(valid());
      const body = inRef
        ? json.replace('"ref":{', `"ref":{${JSON.stringify(name)}:${value},`)
        : withMember(json, name, value);
      return { ...post('prototype key', body), mendable: inRef };
    }),
  fc
    .tuple(
      fc.constantFrom('customerId', 'service', 'key', 'id'),
      fc.integer({ min: 257, max: 8000 }),
    )
    .map(([field, n]) =>
      post('huge string', JSON.stringify({ ...valid(), [field]: 'x'.repeat(n) })),
    ),
  fc
    .tuple(fc.integer({ min: 10, max: 4000 }), fc.boolean(), fc.boolean())
    .map(([depth, arrays, asField]) => {
      const nested = arrays
        ? deep(depth, '[', ']')
        : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      return {
        ...post(
          'deep nesting',
          asField
            ? JSON.stringify({ ...valid(), ref: 0 }).replace('"ref":0', `"ref":${nested}`)
            : nested,
        ),
        mendable: asField,
      };
    }),
  fc
    .tuple(
      fc.constantFrom('customerId', 'service', 'key'),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
      fc.constantFrom('\u0000', '\u001f', '\u0085', '\ud800', '\udfff', '\u007f', '\u202e'),
      fc.integer({ min: 0, max: 99_999_999 }),
    )
    .map(([field, text, bad, n]) => ({
      ...post(
        'unicode',
        // Its own event id, so that a mended purchase is stored, not taken for a repeat.
        JSON.stringify({ ...valid(), id: `evt_fuzz_u${n}`, [field]: `${text}${bad}` }),
      ),
      mendable: field === 'customerId',
    })),
  fc.string({ unit: 'grapheme', maxLength: 200 }).map((s) => post('unicode body', s)),
  fc
    .constantFrom(
      undefined,
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'text/html',
      'application/octet-stream',
      'text/plain; charset=utf-7',
      'application/json; charset=utf-16',
      'image/png',
    )
    .map((type) =>
      post('content type', JSON.stringify(valid()), type ? { 'content-type': type } : {}),
    ),
  fc
    .integer({ min: MAX_BEACON_BYTES + 1, max: 3 * MAX_BEACON_BYTES })
    .map((n) => post('over the limit', JSON.stringify({ ...valid(), customerId: 'y'.repeat(n) }))),
  fc
    .tuple(fc.integer({ min: 50, max: 1500 }), fc.string({ unit: 'grapheme-ascii', maxLength: 30 }))
    .map(([n, value]) => {
      const headers: Record<string, string> = { ...plain };
      for (let i = 0; i < n; i++) headers[`x-fuzz-${i}`] = value.trim() || 'v';
      return post('many headers', JSON.stringify({ ...valid(), v: 2 }), headers);
    }),
  fc
    .stringMatching(/^[\x21-\x7e]{1,40}$/)
    .filter((key) => key !== 'PK-1' && key !== 'PK-2')
    .map((key) => post('unknown provider key', JSON.stringify({ ...valid(), key }))),
  fc.string({ maxLength: 400 }).map((d) => ({
    kind: 'image fallback',
    method: 'GET',
    path: `/beacon?d=${encodeURIComponent(d)}`,
    headers: {},
  })),
  fc.constantFrom('PUT', 'DELETE', 'PATCH').map((method) => ({
    ...post('other method', JSON.stringify(valid())),
    method,
  })),
);

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/** Sends a case with node:http (fetch would refuse some of these headers); resolves a status. */
function send(base: URL, c: Case): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        method: c.method,
        path: c.path,
        headers: c.headers,
        agent,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    req.end(c.body);
  });
}

const UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}]/u;
const isClean = (text: string) => !UNSAFE.test(text) && text === text.normalize('NFC');

describe('beacon endpoint fuzzing', () => {
  it(`answers ${RUNS} hostile requests with a 4xx, or stores them mended`, async () => {
    const { url, store, relay } = await startTestCollector();
    // What reaches the store, to check that whatever was kept is clean.
    const stored: NewEvent[] = [];
    const record = store.recordEvent;
    store.recordEvent = (event, queued) => {
      stored.push(event);
      return record(event, queued);
    };
    const base = new URL(url);
    const histogram = new Map<string, number>();
    const kinds = new Map<string, number>();
    let maxRss = process.memoryUsage().rss;
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const status = await send(base, c);
        histogram.set(String(status), (histogram.get(String(status)) ?? 0) + 1);
        kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
        maxRss = Math.max(maxRss, process.memoryUsage().rss);
        if (c.mendable && status === 204) return true;
        return typeof status === 'number' && status >= 400 && status < 500;
      }),
      { numRuns: RUNS },
    );
    agent.destroy();
    // Only mended purchases are kept (all with the same event id but one customer each),
    // their ids clean and any referral one the pixel could have sent.
    for (const event of stored) {
      expect(isClean(event.customerId ?? '')).toBe(true);
      if (event.referral) expect(referralSchema.parse(event.referral)).toEqual(event.referral);
    }
    const relays = await store.listRelays({ limit: RUNS });
    expect(relays.every((r) => isClean(r.customerId) && r.customerId.length > 0)).toBe(true);
    expect(relay.notified).toBe(relays.length);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    // Bounded: the server keeps nothing per request (and this process hosts the tests too).
    expect(maxRss).toBeLessThan(1024 * 1024 * 1024);
    const sorted = (map: Map<string, number>) =>
      [...map]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, n]) => `${k}: ${n}`)
        .join(', ');
    console.log(
      `[fuzz] ${RUNS} cases in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
        `statuses {${sorted(histogram)}}; kinds {${sorted(kinds)}}; ` +
        `stored ${await store.countEvents()} mended, relayed ${relays.length}; ` +
        `max RSS ${(maxRss / 1024 / 1024).toFixed(0)} MB`,
    );
  }, 600_000);
});
