import { describe, expect, it } from 'vitest';
import { listen, postJson } from '../test-support/http.js';
import { createSandboxApp } from './app.js';

const tracking = {
  partnerKey: 'PK-1',
  serviceName: 'acme-crm',
  customerId: 'cust-1',
  purchasedAt: '2025-01-01T00:00:00.000Z',
};

async function sandbox() {
  const url = await listen(createSandboxApp());
  return {
    url,
    track: (body: unknown) => postJson(`${url}/api/SaasTrackings`, body),
    mode: (body: unknown) => postJson(`${url}/_sandbox/mode`, body),
    received: async () => (await fetch(`${url}/_sandbox/received`)).json(),
    stats: async () => (await fetch(`${url}/_sandbox/stats`)).json(),
  };
}

describe('sandbox onramp', () => {
  it('accepts a valid tracking and records it', async () => {
    const s = await sandbox();
    const res = await s.track(tracking);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: 1 });
    expect(await s.received()).toEqual([{ id: 1, receivedAt: expect.any(String), body: tracking }]);
  });

  it.each([
    ['a missing field', { ...tracking, customerId: undefined }, 'customerId is required'],
    ['a non-string field', { ...tracking, serviceName: 7 }, 'serviceName must be a string'],
    ['an empty field', { ...tracking, partnerKey: '' }, 'partnerKey must not be empty'],
    ['an extra field', { ...tracking, extra: 1 }, 'unexpected field(s): extra'],
    [
      'a bad date',
      { ...tracking, purchasedAt: 'yesterday' },
      'purchasedAt must be an ISO-8601 date-time',
    ],
    ['an array', [tracking], 'body must be a JSON object'],
  ])('answers 400 to %s', async (_name, body, error) => {
    const s = await sandbox();
    const res = await s.track(body);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error });
    expect(await s.received()).toEqual([]);
    expect(await s.stats()).toMatchObject({ accepted: 0, rejected: 1 });
  });

  it('answers 400 to bad JSON and 415 to another content type', async () => {
    const s = await sandbox();
    const bad = await fetch(`${s.url}/api/SaasTrackings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(bad.status).toBe(400);
    const text = await fetch(`${s.url}/api/SaasTrackings`, {
      method: 'POST',
      body: JSON.stringify(tracking),
    });
    expect(text.status).toBe(415);
    expect(await s.stats()).toMatchObject({ rejected: 2 });
  });

  it('fails the next N requests with a status and Retry-After, then recovers', async () => {
    const s = await sandbox();
    expect((await s.mode({ mode: 'fail', status: 502, count: 2, retryAfter: 7 })).status).toBe(200);
    const first = await s.track(tracking);
    expect([first.status, first.headers.get('retry-after')]).toEqual([502, '7']);
    expect((await s.track(tracking)).status).toBe(502);
    expect((await s.track(tracking)).status).toBe(200);
    expect(await s.stats()).toMatchObject({ accepted: 1, failed: 2, mode: { mode: 'ok' } });
  });

  it('rejects in reject mode and stalls until the mode changes', async () => {
    const s = await sandbox();
    await s.mode({ mode: 'reject' });
    const rejected = await s.track(tracking);
    expect([rejected.status, await rejected.json()]).toEqual([
      400,
      { error: 'sandbox reject mode: tracking refused' },
    ]);

    await s.mode({ mode: 'stall' });
    const stalled = s.track(tracking);
    await expect.poll(async () => (await s.stats()).stalled).toBe(1);
    await s.mode({ mode: 'ok' });
    expect((await stalled).status).toBe(503);
    expect((await s.track(tracking)).status).toBe(200);
  });

  it('validates mode requests and resets', async () => {
    const s = await sandbox();
    expect((await s.mode({ mode: 'explode' })).status).toBe(400);
    await s.track(tracking);
    await s.mode({ mode: 'fail' });
    expect((await fetch(`${s.url}/_sandbox/reset`, { method: 'POST' })).status).toBe(204);
    expect(await s.received()).toEqual([]);
    expect(await s.stats()).toEqual({
      accepted: 0,
      rejected: 0,
      failed: 0,
      stalled: 0,
      mode: { mode: 'ok' },
    });
  });

  it('redirects in redirect mode and answers non-HTTP bytes in garbage mode', async () => {
    const s = await sandbox();
    await s.mode({ mode: 'redirect', status: 302, location: 'http://127.0.0.1:9/x', count: 1 });
    const moved = await fetch(`${s.url}/api/SaasTrackings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(tracking),
      redirect: 'manual',
    });
    expect([moved.status, moved.headers.get('location')]).toEqual([302, 'http://127.0.0.1:9/x']);
    await s.mode({ mode: 'garbage', count: 1 });
    await expect(s.track(tracking)).rejects.toThrow();
    expect(await s.stats()).toMatchObject({ accepted: 0, failed: 2 });
    expect((await s.track(tracking)).status).toBe(200);
  });

  it('sends secure headers with its HTML page', async () => {
    const s = await sandbox();
    const res = await fetch(s.url);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('lists received purchases on an escaped HTML page', async () => {
    const s = await sandbox();
    await s.track({ ...tracking, customerId: '<script>alert(1)</script>' });
    const res = await fetch(s.url);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<h2>Purchases</h2>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert');
  });
});
