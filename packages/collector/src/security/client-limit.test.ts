import express from 'express';
import { describe, expect, it } from 'vitest';
import { listen } from '../test-support/http.js';
import { referencePerMinute } from '../test-support/rate-limit-oracle.js';
import { perClientLimit } from './client-limit.js';

// The same budget twice: express-rate-limit as the collector once set it up, and its own.
// Each route answers 204 when let through.
async function twoLimiters(limit: number) {
  const app = express();
  // The test client is on loopback: its X-Forwarded-For names the client.
  app.set('trust proxy', 'loopback');
  const message = 'too many from this address';
  app.post('/reference', referencePerMinute(limit, { message: { error: message } }), (_q, s) => {
    s.status(204).end();
  });
  app.post('/lean', perClientLimit(limit, message), (_req, res) => {
    res.status(204).end();
  });
  const url = await listen(app);
  const send = async (path: string, from: string) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'x-forwarded-for': from },
    });
    const headers = Object.fromEntries(
      ['ratelimit', 'ratelimit-policy', 'retry-after', 'content-type'].map((name) => [
        name,
        res.headers.get(name),
      ]),
    );
    return { status: res.status, headers, body: await res.text() };
  };
  return { send };
}

describe('perClientLimit', () => {
  it('answers as express-rate-limit does, request for request', async () => {
    const { send } = await twoLimiters(3);
    // Two IPv4 clients, an IPv6 /56 shared by two addresses, another /56, a mapped IPv4.
    const clients = [
      '203.0.113.1',
      '203.0.113.2',
      '2001:db8:1:100::1',
      '2001:db8:1:1ff::2',
      '2001:db8:2::1',
      '::ffff:203.0.113.1',
    ];
    const order = [0, 0, 1, 2, 3, 0, 0, 2, 3, 4, 5, 1, 1, 1, 4, 5];
    for (const index of order) {
      const from = clients[index] as string;
      const lean = await send('/lean', from);
      const reference = await send('/reference', from);
      expect({ from, ...lean }).toEqual({ from, ...reference });
      expect(reference.headers['ratelimit-policy']).toMatch(/^"3-in-1min"; q=3; w=60; pk=:.+:$/);
    }
  });

  it('refuses past the limit with Retry-After and the message', async () => {
    const { send } = await twoLimiters(1);
    expect((await send('/lean', '198.51.100.7')).status).toBe(204);
    const refused = await send('/lean', '198.51.100.7');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(refused.body)).toEqual({ error: 'too many from this address' });
  });
});
