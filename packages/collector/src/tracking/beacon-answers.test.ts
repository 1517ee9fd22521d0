import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createLogger, type LogLevel } from '../log.js';
import { type BeaconFields, beaconId, beaconJson } from '../test-support/beacons.js';
import { startTestCollector } from '../test-support/collector.js';

// Every kind of request to /beacon, and the answer it gets byte for byte (but the date, the
// generated request id and the seconds left in the rate-limit window).
interface Sent {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Sent in chunks without a Content-Length. */
  chunked?: boolean;
}

interface Answer {
  status: number;
  headers: string[];
  body: string;
}

const VARYING = ['date', 'x-request-id', 'ratelimit'];

function send(url: string, sent: Sent) {
  const { method = 'POST', path = '/beacon', body, chunked = false } = sent;
  const headers = { ...sent.headers };
  if (chunked) delete headers['content-length'];
  return new Promise<Answer>((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const headers: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const name = (res.rawHeaders[i] as string).toLowerCase();
          headers.push(`${name}: ${VARYING.includes(name) ? '…' : res.rawHeaders[i + 1]}`);
        }
        const body = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, headers, body });
      });
    });
    req.on('error', reject);
    if (body !== undefined && chunked) {
      const bytes = Buffer.from(body);
      const half = Math.floor(bytes.length / 2);
      req.write(bytes.subarray(0, half));
      req.end(bytes.subarray(half));
    } else req.end(body);
  });
}

// Each beacon of its own customer, so that every purchase is a new one.
const beacon = (fields: BeaconFields = {}) =>
  beaconJson({ customerId: beaconId('cust'), ...fields });
const plain = (body: string | Buffer, more: Record<string, string> = {}): Sent => {
  const length = String(Buffer.byteLength(body));
  return {
    headers: {
      'content-type': 'text/plain;charset=UTF-8',
      'content-length': length,
      'sec-fetch-site': 'same-origin',
      ...more,
    },
    body,
  };
};

// The answers' parts: the request id first, Node's own headers last.
const PK = 'pk=:MTJjYTE3YjQ5YWYy:'; // 127.0.0.1's partition
function answer(status: number, head: string[], error?: string): Answer {
  const body = error === undefined ? '' : JSON.stringify({ error });
  const typed =
    error === undefined
      ? []
      : ['content-type: application/json; charset=utf-8', `content-length: ${body.length}`];
  const node = ['date: …', 'connection: keep-alive', 'keep-alive: timeout=5'];
  return { status, headers: ['x-request-id: …', ...head, ...typed, ...node], body };
}
const CORS = ['vary: Origin', 'cache-control: no-store'];
const budget = (q: number) => [
  'ratelimit: …',
  `ratelimit-policy: "${q}-in-1min"; q=${q}; w=60; ${PK}`,
];
const VISITS = [...CORS, ...budget(100_000)];
const PURCHASES = [...CORS, ...budget(1_000_000)];
const stored = answer(204, PURCHASES);
const ALLOWED = 'access-control-allow-origin: https://www.acme.example';
const notAllowed = answer(403, CORS, 'origin not allowed');
const badType = answer(415, CORS, 'Content-Type must be text/plain or application/json, in UTF-8');
const tooLarge = answer(413, CORS, 'beacon too large');
const GONE = 'GET /beacon is gone: load the current pixel.js, which sends beacons by POST';
const preflight = [...CORS.slice(0, 1), ALLOWED, ...CORS.slice(1)];
const allowMethods = [
  'access-control-allow-methods: POST',
  'access-control-allow-headers: Content-Type',
  'access-control-max-age: 86400',
];

const CASES: [string, () => Sent, Answer][] = [
  ['a purchase', () => plain(beacon()), stored],
  ['a visit', () => plain(beacon({ type: 'visit', customerId: undefined })), answer(204, VISITS)],
  ['bad JSON', () => plain('{"v":1'), answer(400, VISITS, 'body is not valid JSON')],
  [
    'a schema violation',
    () => plain(beacon({ id: 'short' })),
    answer(400, VISITS, 'id: must be 8-64 characters of A-Z a-z 0-9 _ -'),
  ],
  [
    'an unknown key',
    () => plain(beacon({ key: 'PK-9' })),
    answer(403, PURCHASES, 'unknown provider key'),
  ],
  ['a dropped referral', () => plain(beacon({ ref: { id: '', at: 1 } })), stored],
  ['another origin', () => plain(beacon(), { origin: 'https://evil.example' }), notAllowed],
  [
    'an allowed origin',
    () => plain(beacon(), { origin: 'https://www.acme.example' }),
    answer(204, [...preflight, ...budget(1_000_000)]),
  ],
  ['a BOM', () => plain(`\ufeff${beacon()}`), stored],
  ['JSON', () => plain(beacon(), { 'content-type': 'application/json' }), stored],
  [
    'a quoted charset',
    () => plain(beacon(), { 'content-type': 'text/plain; charset="utf8"' }),
    stored,
  ],
  ['a trailing slash', () => ({ ...plain(beacon()), path: '/beacon/' }), stored],
  ['upper case', () => ({ ...plain(beacon()), path: '/BEACON' }), stored],
  ['a query string', () => ({ ...plain(beacon()), path: '/beacon?x=1' }), stored],
  ['8 KB', () => plain(beacon().padEnd(8192)), stored],
  ['over 8 KB', () => plain(beacon({ pad: 'x'.repeat(9000) })), tooLarge],
  ['chunked', () => ({ ...plain(beacon()), chunked: true }), stored],
  [
    'chunked over 8 KB',
    () => ({ ...plain(beacon({ pad: 'x'.repeat(9000) })), chunked: true }),
    tooLarge,
  ],
  ['gzip', () => plain(gzipSync(beacon()), { 'content-encoding': 'gzip' }), stored],
  [
    'an unknown encoding',
    () => plain(beacon(), { 'content-encoding': 'compress' }),
    answer(415, CORS, 'unsupported content encoding'),
  ],
  ['an empty body', () => plain(''), answer(400, VISITS, 'body is not valid JSON')],
  ['no type', () => plain('{}', { 'content-type': '' }), badType],
  ['another type', () => plain(beacon(), { 'content-type': 'text/html' }), badType],
  [
    'another charset',
    () => plain(beacon(), { 'content-type': 'text/plain; charset=utf-16' }),
    badType,
  ],
  [
    'a half-quoted charset',
    () => plain(beacon(), { 'content-type': 'text/plain; charset="utf-8' }),
    stored,
  ],
  [
    'a preflight',
    () => ({ method: 'OPTIONS', headers: { origin: 'https://www.acme.example' } }),
    answer(204, [...preflight, ...allowMethods]),
  ],
  ['a preflight without origin', () => ({ method: 'OPTIONS' }), notAllowed],
  [
    'a refused preflight',
    () => ({ method: 'OPTIONS', headers: { origin: 'https://evil.example' } }),
    notAllowed,
  ],
  ['GET', () => ({ method: 'GET', path: '/beacon?d=1' }), answer(410, CORS.slice(1), GONE)],
  ['HEAD', () => ({ method: 'HEAD' }), { ...answer(410, CORS.slice(1), GONE), body: '' }],
  ['PUT', () => ({ ...plain(beacon()), method: 'PUT' }), answer(404, [], 'not found')],
];

describe.each(['info', 'debug'] as LogLevel[])('/beacon at log level %s', (level) => {
  it('answers every kind of request as it always has, and stores what it took', async () => {
    let text = '';
    const logger = createLogger({
      level,
      format: 'json',
      destination: { write: (s) => (text += s) },
    });
    const { url, store } = await startTestCollector({
      allowedOrigins: ['https://www.acme.example'],
      logger,
    });
    let taken = 0;
    for (const [name, sent, expected] of CASES) {
      const request = sent();
      expect({ name, ...(await send(url, request)) }).toEqual({ name, ...expected });
      if (request.method === undefined && expected.status === 204) taken++;
    }
    expect(await store.countEvents()).toBe(taken);
    // At debug every request has its line, with its path and status; at info none failed.
    const lines = text
      .split('\n')
      .filter((line) => line.includes('"component":"http"'))
      .map((line) => JSON.parse(line) as { path: string; status: number });
    const logged = level === 'debug' ? CASES.map(([, , expected]) => expected.status) : [];
    expect(lines.map((line) => line.status)).toEqual(logged);
  });
});
