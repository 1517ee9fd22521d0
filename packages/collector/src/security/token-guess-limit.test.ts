import express, { type RequestHandler } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listen } from '../test-support/http.js';
import { referenceTokenGuessLimit } from '../test-support/rate-limit-oracle.js';
import { requireBearerToken } from './bearer-token.js';
import { clientKeyOf } from './client-key.js';
import { tokenGuessLimit } from './rate-limit.js';

const TOKEN = 'right-token-0123456789';

// Two token-guarded routes sharing one budget of refused tokens, under `prefix`.
function guarded(app: express.Express, prefix: string, limit: RequestHandler) {
  const guard = requireBearerToken(TOKEN, { disabled: 'no token set', required: 'token needed' });
  for (const route of ['a', 'b'])
    app.get(`${prefix}/${route}`, limit, guard, (_req, res) => {
      res.json({ ok: route });
    });
}

const HEADERS = [
  'ratelimit',
  'ratelimit-policy',
  'retry-after',
  'www-authenticate',
  'content-type',
];

describe('tokenGuessLimit', () => {
  it('answers as express-rate-limit did, request for request', async () => {
    const app = express();
    // The test client is on loopback: its X-Forwarded-For names the client.
    app.set('trust proxy', 'loopback');
    guarded(app, '/reference', referenceTokenGuessLimit(3));
    guarded(app, '/lean', tokenGuessLimit(3));
    const url = await listen(app);
    const send = async (path: string, from: string, token: string | undefined) => {
      const headers: Record<string, string> = { 'x-forwarded-for': from };
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      const res = await fetch(`${url}${path}`, { headers });
      const seen = Object.fromEntries(HEADERS.map((name) => [name, res.headers.get(name)]));
      return { status: res.status, headers: seen, body: await res.text() };
    };
    // Two IPv4 clients and one IPv6 /56 of two addresses; right, wrong and missing tokens
    // on both routes: right ones never use up the budget, wrong ones past it get 429.
    const clients = ['203.0.113.1', '203.0.113.2', '2001:db8:1:100::1', '2001:db8:1:1ff::2'];
    const steps: [number, 'a' | 'b', string | undefined][] = [
      [0, 'a', TOKEN],
      [0, 'a', 'wrong-1'],
      [0, 'b', undefined],
      [0, 'a', TOKEN],
      [0, 'b', 'wrong-2'],
      [0, 'a', 'wrong-3'],
      [0, 'b', 'wrong-4'],
      [0, 'a', TOKEN],
      [0, 'b', 'wrong-5'],
      [1, 'a', 'wrong-1'],
      [1, 'b', TOKEN],
      [2, 'a', 'wrong-1'],
      [3, 'b', 'wrong-2'],
      [2, 'a', 'wrong-3'],
      [3, 'a', 'wrong-4'],
      [3, 'a', TOKEN],
      [1, 'a', 'wrong-2'],
    ];
    const statuses = [];
    for (const [client, route, token] of steps) {
      const from = clients[client] as string;
      const lean = await send(`/lean/${route}`, from, token);
      const reference = await send(`/reference/${route}`, from, token);
      expect({ from, route, token, ...lean }).toEqual({ from, route, token, ...reference });
      statuses.push(lean.status);
    }
    // The sequence does reach the budget, for one client and for the shared /56.
    expect(statuses).toEqual([
      200, 401, 401, 200, 401, 429, 429, 200, 429, 401, 200, 401, 401, 401, 429, 200, 401,
    ]);
  });
});

describe('clientKeyOf', () => {
  it('keys any address as express-rate-limit does', () => {
    const mapped = fc.ipV4().map((v4) => `::ffff:${v4}`);
    const compatible = fc.ipV4().map((v4) => `::${v4}`);
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6(), mapped, compatible), (ip) => {
        expect(clientKeyOf(ip)).toBe(ipKeyGenerator(ip, 56));
      }),
      { numRuns: 2000 },
    );
  });
});
