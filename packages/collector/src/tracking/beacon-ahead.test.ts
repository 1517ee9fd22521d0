import { type IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { type BeaconFields, beaconId, beaconJson } from '../test-support/beacons.js';
import { startTestCollector } from '../test-support/collector.js';
import { isPlainBeacon } from './beacon-ahead.js';

const head = (headers: Record<string, string>, method = 'POST', url = '/beacon') =>
  ({ method, url, headers }) as unknown as IncomingMessage;
const plain = { 'content-type': 'text/plain;charset=UTF-8', 'content-length': '120' };

describe('which beacons skip the router', () => {
  it.each([
    ['the pixel’s', plain],
    ['JSON', { ...plain, 'content-type': 'application/json' }],
    ['a spaced charset', { ...plain, 'content-type': 'text/plain; charset=utf-8' }],
    ['a quoted charset', { ...plain, 'content-type': 'text/plain; charset="utf8"' }],
    ['8 KB', { ...plain, 'content-length': '8192' }],
  ])('takes %s', (_name, headers) => {
    expect(isPlainBeacon(head(headers))).toBe(true);
  });

  it.each([
    ['GET', head(plain, 'GET')],
    ['another path', head(plain, 'POST', '/beacon/')],
    ['a query string', head(plain, 'POST', '/beacon?x=1')],
    ['an empty body', head({ ...plain, 'content-length': '0' })],
    ['over 8 KB', head({ ...plain, 'content-length': '8193' })],
    ['no length', head({ 'content-type': 'text/plain' })],
    ['chunked', head({ ...plain, 'transfer-encoding': 'chunked' })],
    ['gzip', head({ ...plain, 'content-encoding': 'gzip' })],
    ['another charset', head({ ...plain, 'content-type': 'text/plain; charset=utf-16' })],
    ['a half-quoted charset', head({ ...plain, 'content-type': 'text/plain; charset="utf-8' })],
    ['another type', head({ ...plain, 'content-type': 'text/html' })],
    ['no type', head({ 'content-length': '120' })],
  ])('leaves %s to the route', (_name, req) => {
    expect(isPlainBeacon(req)).toBe(false);
  });
});

// Each beacon of its own customer: both paths must take it as a new purchase.
const beacon = (fields: BeaconFields = {}) =>
  beaconJson({ customerId: beaconId('cust'), ...fields });

describe('a beacon ahead of the router and one through it', () => {
  it.each([
    ['a purchase', () => beacon(), {}],
    ['a visit', () => beacon({ type: 'visit', customerId: undefined }), {}],
    ['bad JSON', () => '{"v":1', {}],
    ['a schema violation', () => beacon({ id: 'short' }), {}],
    ['an unknown key', () => beacon({ key: 'PK-9' }), {}],
    ['a dropped referral', () => beacon({ ref: { id: '', at: 1 } }), {}],
    ['another origin', () => beacon(), { origin: 'https://evil.example' }],
    ['an allowed origin', () => beacon(), { origin: 'https://www.acme.example' }],
    ['a BOM', () => `\ufeff${beacon()}`, {}],
  ])('answer alike to %s', async (_name, body, headers: Record<string, string>) => {
    const { url, store } = await startTestCollector({
      allowedOrigins: ['https://www.acme.example'],
    });
    const send = async (path: string) => {
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'text/plain;charset=UTF-8',
          'sec-fetch-site': 'same-origin',
          ...headers,
        },
        body: body(),
      });
      const seen = Object.fromEntries(res.headers);
      for (const varies of ['date', 'x-request-id', 'ratelimit', 'keep-alive']) delete seen[varies];
      return { status: res.status, headers: seen, body: await res.text() };
    };
    // `/beacon/` is the same route to Express, but not a plain beacon: it takes the router.
    const ahead = await send('/beacon');
    const routed = await send('/beacon/');
    expect(routed).toEqual(ahead);
    const stored = ahead.status === 204 ? 2 : 0;
    expect(await store.countEvents()).toBe(stored);
  });
});

describe('a beacon ahead of the router', () => {
  // A response made Express's (its prototype changed) costs V8 more than all else a beacon
  // does: only a refusal, which needs Express's helpers, may make it so.
  it("is answered 204 on node's own response, and refused on Express's", async () => {
    const { url, app } = await startTestCollector();
    const seen: [number, boolean][] = [];
    const inner = app as unknown as { handle: (req: unknown, res: ServerResponse) => void };
    const handle = inner.handle;
    inner.handle = function watched(this: unknown, req, res) {
      res.on('finish', () => {
        seen.push([res.statusCode, Object.getPrototypeOf(res) === ServerResponse.prototype]);
      });
      handle.call(this, req, res);
    };
    for (const body of [beacon(), beacon({ key: 'PK-9' }), '{"v":1']) {
      await fetch(`${url}/beacon`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
        body,
      });
    }
    expect(seen).toEqual([
      [204, true],
      [403, false],
      [400, false],
    ]);
  });
});
