import { describe, expect, it } from 'vitest';
import { startTestCollector } from '../test-support/collector.js';
import { purchaseFixture } from '../test-support/fixtures.js';

const NOW = Date.parse('2025-03-01T12:00:00Z');

const readyz = async (url: string) => {
  const res = await fetch(`${url}/readyz`);
  return [res.status, await res.json()];
};

describe('health endpoints', () => {
  it('reports liveness and readiness, and 503 once the store is gone', async () => {
    const { url, store } = await startTestCollector();
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true });
    expect(await readyz(url)).toEqual([200, { ok: true }]);
    await store.close();
    expect(await readyz(url)).toEqual([503, { ok: false, error: 'store unavailable' }]);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('is not ready while a relay has waited longer than the limit', async () => {
    const { url, store } = await startTestCollector({ now: NOW, readyMaxPendingSeconds: 3600 });
    const waiting = purchaseFixture({ customerId: 'c-1', receivedAt: NOW - 3600_000 });
    await store.recordEvent(waiting.event, waiting.relay);
    expect(await readyz(url)).toEqual([200, { ok: true }]);

    const older = purchaseFixture({ customerId: 'c-2', receivedAt: NOW - 7260_000 });
    await store.recordEvent(older.event, older.relay);
    expect(await readyz(url)).toEqual([
      503,
      { ok: false, error: 'oldest pending relay waited 7260 s (limit 3600 s)' },
    ]);

    // Delivered, it no longer counts.
    const [claimed] = await store.claimDueRelays({ now: NOW, limit: 1, leaseMs: 60_000 });
    expect(claimed?.customerId).toBe('c-2');
    await store.markDelivered(claimed?.id ?? 0, { at: NOW, status: 200, body: '', error: null });
    expect(await readyz(url)).toEqual([200, { ok: true }]);
  });

  it('applies no limit unless one is configured, and none when set to 0', async () => {
    const stale = purchaseFixture({ receivedAt: NOW - 30 * 86_400_000 });
    const byDefault = await startTestCollector({ now: NOW });
    await byDefault.store.recordEvent(stale.event, stale.relay);
    expect(await readyz(byDefault.url)).toEqual([200, { ok: true }]);

    const disabled = await startTestCollector({ now: NOW, readyMaxPendingSeconds: 0 });
    await disabled.store.recordEvent(stale.event, stale.relay);
    expect(await readyz(disabled.url)).toEqual([200, { ok: true }]);
  });

  it('answers unknown paths with a JSON 404', async () => {
    const { url } = await startTestCollector();
    const res = await fetch(`${url}/nope`);
    expect([res.status, await res.json()]).toEqual([404, { error: 'not found' }]);
  });
});
