import express from 'express';
import { describe, expect, it } from 'vitest';
import { listen, waitFor } from '../test-support/http.js';
import { refusingUrl } from '../test-support/onramp-stub.js';
import { createOnrampClient } from './onramp-client.js';

const tracking = {
  partnerKey: 'PK-1',
  serviceName: 'acme-crm',
  customerId: 'cust-1',
  purchasedAt: '2025-01-01T00:00:00.000Z',
};

describe('createOnrampClient', () => {
  it('POSTs the body as JSON to the URL', async () => {
    const seen: { path: string; type: string | undefined; raw: string }[] = [];
    const app = express();
    app.post('/base/api/SaasTrackings', express.text({ type: '*/*' }), (req, res) => {
      seen.push({ path: req.path, type: req.get('content-type'), raw: req.body });
      res.set('Retry-After', '3').status(201).send('{"id":9}');
    });
    const url = await listen(app);
    const client = createOnrampClient({ timeoutMs: 1000 });
    const result = await client.post(`${url}/base/api/SaasTrackings`, tracking);
    expect(result).toEqual({
      type: 'response',
      ok: true,
      status: 201,
      body: '{"id":9}',
      retryAfter: '3',
    });
    expect(seen).toEqual([
      {
        path: '/base/api/SaasTrackings',
        type: 'application/json',
        raw: '{"partnerKey":"PK-1","serviceName":"acme-crm","customerId":"cust-1","purchasedAt":"2025-01-01T00:00:00.000Z"}',
      },
    ]);
  });

  it('does not follow redirects', async () => {
    let followed = false;
    const app = express();
    app.post('/api/SaasTrackings', (_req, res) => res.redirect(307, '/elsewhere'));
    app.post('/elsewhere', (_req, res) => {
      followed = true;
      res.end();
    });
    const client = createOnrampClient({ timeoutMs: 1000 });
    const base = await listen(app);
    expect(await client.post(`${base}/api/SaasTrackings`, tracking)).toMatchObject({
      type: 'response',
      ok: false,
      status: 307,
    });
    expect(followed).toBe(false);
  });

  it('reports a timeout', async () => {
    const app = express();
    app.post('/api/SaasTrackings', () => {});
    const client = createOnrampClient({ timeoutMs: 50 });
    const base = await listen(app);
    expect(await client.post(`${base}/api/SaasTrackings`, tracking)).toEqual({
      type: 'network-error',
      ok: false,
      error: 'timed out after 50 ms',
      timedOut: true,
      notSent: false,
    });
  });

  it('reports a refused connection as certainly not sent, and an abort, without throwing', async () => {
    const onramp = await refusingUrl();
    const client = createOnrampClient({ timeoutMs: 1000 });
    expect(await client.post(`${onramp}/api/SaasTrackings`, tracking)).toEqual({
      type: 'network-error',
      ok: false,
      error: `fetch failed: connect ECONNREFUSED ${onramp.slice('http://'.length)}`,
      timedOut: false,
      notSent: true,
    });

    const app = express();
    app.post('/api/SaasTrackings', () => {});
    const stalled = createOnrampClient({ timeoutMs: 10_000 });
    const controller = new AbortController();
    const url = `${await listen(app)}/api/SaasTrackings`;
    const pending = stalled.post(url, {}, { signal: controller.signal });
    controller.abort();
    expect(await pending).toMatchObject({ type: 'network-error', timedOut: false, notSent: false });
  });

  it('does not call a connection dropped after the request was written "not sent"', async () => {
    const app = express();
    app.post('/saas-usage/', (req) => req.socket.destroy());
    const client = createOnrampClient({ timeoutMs: 1000 });
    const result = await client.post(`${await listen(app)}/saas-usage/`, '{"usageCount":1}');
    expect(result).toMatchObject({ type: 'network-error', timedOut: false, notSent: false });
  });

  it('reads at most 2 KB of an answer and cancels the rest', async () => {
    let closed = false;
    const app = express();
    // An answer that never ends: only a client that stops reading gets past it.
    app.post('/api/SaasTrackings', (req, res) => {
      res.status(400).type('text/plain');
      const chunk = 'x'.repeat(1024);
      const timer = setInterval(() => res.write(chunk), 1);
      req.socket.on('close', () => {
        closed = true;
        clearInterval(timer);
      });
    });
    const client = createOnrampClient({ timeoutMs: 5000 });
    const started = Date.now();
    const result = await client.post(`${await listen(app)}/api/SaasTrackings`, tracking);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(result).toMatchObject({ type: 'response', status: 400, body: `${'x'.repeat(2048)}…` });
    await waitFor(() => closed, { message: 'the connection closed' });
  });

  it('cuts a long answer between characters, never inside one', async () => {
    const app = express();
    app.post('/api/SaasTrackings', (_req, res) => res.status(400).send('é'.repeat(1500)));
    const client = createOnrampClient({ timeoutMs: 1000 });
    const result = await client.post(`${await listen(app)}/api/SaasTrackings`, tracking);
    expect(result).toMatchObject({ body: `${'é'.repeat(1024)}…` });
  });

  it('keeps an answer of 2 KB or less whole', async () => {
    const app = express();
    app.post('/api/SaasTrackings', (_req, res) => res.status(200).send('y'.repeat(2048)));
    const client = createOnrampClient({ timeoutMs: 1000 });
    const result = await client.post(`${await listen(app)}/api/SaasTrackings`, tracking);
    expect(result).toMatchObject({ body: 'y'.repeat(2048) });
  });
});
