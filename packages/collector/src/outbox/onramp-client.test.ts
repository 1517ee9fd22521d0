import express from 'express';
import { describe, expect, it } from 'vitest';
import { listen } from '../test-support/http.js';
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
    });
  });

  it('reports a refused connection and an abort without throwing', async () => {
    const fetchRefused: typeof fetch = () =>
      Promise.reject(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') }));
    const client = createOnrampClient({ timeoutMs: 1000, fetch: fetchRefused });
    expect(await client.post('http://127.0.0.1:9/api/SaasTrackings', tracking)).toEqual({
      type: 'network-error',
      ok: false,
      error: 'fetch failed: connect ECONNREFUSED',
      timedOut: false,
    });

    const app = express();
    app.post('/api/SaasTrackings', () => {});
    const stalled = createOnrampClient({ timeoutMs: 10_000 });
    const controller = new AbortController();
    const url = `${await listen(app)}/api/SaasTrackings`;
    const pending = stalled.post(url, {}, { signal: controller.signal });
    controller.abort();
    expect(await pending).toMatchObject({ type: 'network-error', timedOut: false });
  });
});
