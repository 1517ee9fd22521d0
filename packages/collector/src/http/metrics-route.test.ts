import { describe, expect, it } from 'vitest';
import { type BeaconFields, beacon, postBeacon } from '../test-support/beacons.js';
import { startTestCollector } from '../test-support/collector.js';
import { scrape } from '../test-support/prometheus.js';

const ADMIN = 'admin-token-0123456789';
const PAGE = 'https://www.acme.example';

const visit = (fields: BeaconFields) => beacon({ type: 'visit', ...fields });

const post = (url: string, body: string | BeaconFields, headers: Record<string, string> = {}) =>
  postBeacon(url, body, { origin: PAGE, ...headers });

describe('GET /metrics', () => {
  it('needs the admin token', async () => {
    const { url } = await startTestCollector({ adminToken: ADMIN });
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${url}/metrics`, {
      headers: { authorization: 'Bearer admin-token-0123456780' },
    });
    expect(wrong.status).toBe(401);
    const ok = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('is refused when CLM_ADMIN_TOKEN is unset', async () => {
    const { url } = await startTestCollector();
    const res = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer null' } });
    expect(res.status).toBe(403);
  });

  it('counts beacons by kind and outcome, and shows the relay queue', async () => {
    const { url } = await startTestCollector({ adminToken: ADMIN, allowedOrigins: [PAGE] });
    const purchase = beacon({ customerId: 'cust-1' });
    const statuses = [
      await post(url, visit({})),
      await post(url, purchase),
      await post(url, purchase), // same event id
      await post(url, beacon({ customerId: 'cust-1' })), // same customer
      await post(url, visit({ key: 'PK-9' })),
      await post(url, '{"v":1'),
      await post(url, visit({}), { origin: 'https://evil.example' }),
      await post(url, visit({}), { 'content-type': 'text/html' }),
      await post(url, 'x'.repeat(9000)),
    ].map((res) => res.status);
    expect(statuses).toEqual([204, 204, 204, 204, 403, 400, 403, 415, 413]);

    const samples = await scrape(url, ADMIN);
    const beacons = (kind: string, outcome: string) =>
      samples.get(`clm_beacons_total{kind="${kind}",outcome="${outcome}"}`);
    expect(beacons('visit', 'accepted')).toBe(1);
    expect(beacons('purchase', 'accepted')).toBe(1);
    expect(beacons('purchase', 'duplicate')).toBe(1);
    expect(beacons('purchase', 'already_queued')).toBe(1);
    expect(beacons('visit', 'unknown_key')).toBe(1);
    expect(beacons('unknown', 'invalid')).toBe(3);
    expect(beacons('unknown', 'origin_refused')).toBe(1);
    // The test app's relay stub never sends, so the relay waits; the app's clock stands still.
    expect(samples.get('clm_relays_pending')).toBe(1);
    expect(samples.get('clm_relay_oldest_pending_age_seconds')).toBe(0);
    expect(samples.get('clm_relays_dead')).toBe(0);
  });

  it('answers 503 when the store cannot be read', async () => {
    const { url, store } = await startTestCollector({ adminToken: ADMIN });
    await store.close();
    const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect([res.status, await res.json()]).toEqual([503, { error: 'store unavailable' }]);
  });
});
