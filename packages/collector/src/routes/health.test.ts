import { describe, expect, it } from 'vitest';
import { startTestCollector } from '../test-support/collector.js';

describe('health endpoints', () => {
  it('reports liveness and readiness, and 503 once the store is gone', async () => {
    const { url, store } = await startTestCollector();
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true });
    const ready = await fetch(`${url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { ok: true }]);
    await store.close();
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('answers unknown paths with a JSON 404', async () => {
    const { url } = await startTestCollector();
    const res = await fetch(`${url}/nope`);
    expect([res.status, await res.json()]).toEqual([404, { error: 'not found' }]);
  });
});
