import { describe, expect, it } from 'vitest';
import { postBeacon } from '../test-support/beacons.js';
import { CHAIN_TOKENS, startChain } from '../test-support/chain.js';
import { startTestCollector } from '../test-support/collector.js';
import { waitFor } from '../test-support/http.js';

// Issue 12, finding 1: a purchase beacon needs only the public provider key, so the backend's
// authenticated report must be able to take over a relay a beacon queued.

const API = 'api-token-0123456789';
const NOW = Date.parse('2025-03-01T12:00:00Z');
const BACKEND_TIME = '2025-03-01T11:58:00.000Z';

async function collector() {
  const started = await startTestCollector({
    now: NOW,
    apiToken: API,
    serviceName: 'acme-crm',
    partnerKeys: ['PK-1'],
  });
  const forge = async (customerId: string) => {
    const res = await postBeacon(started.url, { customerId, ref: { id: 'r-forged', at: 1 } });
    expect(res.status).toBe(204);
  };
  const report = async (customerId: string, purchasedAt = BACKEND_TIME) => {
    const res = await fetch(`${started.url}/api/purchases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API}`, 'content-type': 'application/json' },
      body: JSON.stringify({ customerId, purchasedAt }),
    });
    return [res.status, await res.json()];
  };
  const attempt = { at: NOW + 1, status: 400, body: 'no', error: 'HTTP 400' };
  return { ...started, forge, report, attempt };
}

describe('a beacon relay and the backend report of the same customer', () => {
  it('records where each relay came from', async () => {
    const { forge, report, store } = await collector();
    await forge('cust-b');
    await report('cust-a');
    const relays = await store.listRelays();
    expect(relays.map((r) => [r.customerId, r.source])).toEqual(
      expect.arrayContaining([
        ['cust-b', 'beacon'],
        ['cust-a', 'api'],
      ]),
    );
  });

  it("replaces a pending beacon relay: the backend's purchasedAt, source api", async () => {
    const { forge, report, store, relay } = await collector();
    await forge('cust-1');
    const [forged] = await store.listRelays();
    expect(await report('cust-1')).toEqual([
      202,
      {
        status: 'replaced',
        relayId: forged?.id,
        relayStatus: 'pending',
        purchasedAt: BACKEND_TIME,
        source: 'api',
      },
    ]);
    const [replaced] = await store.listRelays();
    expect(replaced).toMatchObject({
      id: forged?.id,
      status: 'pending',
      source: 'api',
      purchasedAt: BACKEND_TIME,
      payload: {
        partnerKey: 'PK-1',
        serviceName: 'acme-crm',
        customerId: 'cust-1',
        purchasedAt: BACKEND_TIME,
      },
    });
    // Exactly the four fields, in order, as the onramp expects them.
    expect(Object.keys(replaced?.payload as object)).toEqual([
      'partnerKey',
      'serviceName',
      'customerId',
      'purchasedAt',
    ]);
    expect(relay.notified).toBe(2);
  });

  it('re-queues a dead-lettered beacon relay with the report', async () => {
    const { forge, report, store, attempt } = await collector();
    await forge('cust-2');
    const [claimed] = await store.claimDueRelays({ now: NOW, limit: 1, leaseMs: 60_000 });
    await store.markDead(claimed?.id ?? -1, attempt);
    expect(await report('cust-2')).toMatchObject([
      202,
      { status: 'replaced', relayStatus: 'pending', purchasedAt: BACKEND_TIME },
    ]);
    const [requeued] = await store.listRelays();
    expect(requeued).toMatchObject({
      status: 'pending',
      source: 'api',
      purchasedAt: BACKEND_TIME,
      nextAttemptAt: NOW,
      // Its retry window starts again, as a replayed dead letter's does.
      replayedAt: NOW,
    });
  });

  it('leaves a delivered beacon relay, and any reported one, as they are', async () => {
    const { forge, report, store } = await collector();
    await forge('cust-3');
    const [claimed] = await store.claimDueRelays({ now: NOW, limit: 1, leaseMs: 60_000 });
    await store.markDelivered(claimed?.id ?? -1, { at: NOW, status: 200, body: '', error: null });
    expect(await report('cust-3')).toMatchObject([
      200,
      { status: 'already-queued', relayStatus: 'delivered', source: 'beacon' },
    ]);

    await report('cust-4', '2025-03-01T10:00:00Z');
    expect(await report('cust-4')).toMatchObject([
      200,
      { status: 'already-queued', purchasedAt: '2025-03-01T10:00:00.000Z', source: 'api' },
    ]);
    // A beacon after the report changes nothing either.
    await forge('cust-4');
    const relays = await store.listRelays();
    expect(relays.find((r) => r.customerId === 'cust-4')).toMatchObject({
      source: 'api',
      purchasedAt: '2025-03-01T10:00:00.000Z',
    });
    expect(relays.find((r) => r.customerId === 'cust-3')).toMatchObject({
      source: 'beacon',
      status: 'delivered',
    });
  });

  it('takes over a beacon relay in flight only if that attempt is not delivered', async () => {
    const { forge, report, store, attempt } = await collector();
    await forge('cust-5');
    await forge('cust-6');
    const claimed = await store.claimDueRelays({ now: NOW, limit: 2, leaseMs: 60_000 });
    expect(await report('cust-5')).toMatchObject([
      202,
      { status: 'replacing', relayStatus: 'in_flight', purchasedAt: BACKEND_TIME },
    ]);
    expect(await report('cust-6')).toMatchObject([202, { status: 'replacing' }]);
    const [five, six] = claimed;
    // The call in flight carried the beacon's time; what it came to decides.
    await store.markDead(five?.id ?? -1, attempt);
    await store.markDelivered(six?.id ?? -1, { at: NOW, status: 200, body: '', error: null });
    const relays = await store.listRelays();
    expect(relays.find((r) => r.customerId === 'cust-5')).toMatchObject({
      status: 'pending',
      source: 'api',
      purchasedAt: BACKEND_TIME,
      payload: expect.objectContaining({ purchasedAt: BACKEND_TIME }),
    });
    expect(relays.find((r) => r.customerId === 'cust-6')).toMatchObject({
      status: 'delivered',
      source: 'beacon',
      purchasedAt: '2025-03-01T12:00:00.000Z',
    });
  });

  it('applies a report to a beacon relay in flight that is retried', async () => {
    const { forge, report, store, attempt } = await collector();
    await forge('cust-7');
    const [claimed] = await store.claimDueRelays({ now: NOW, limit: 1, leaseMs: 60_000 });
    await report('cust-7');
    await store.scheduleRetry(claimed?.id ?? -1, NOW + 5000, { ...attempt, status: 503 });
    const [retried] = await store.listRelays();
    expect(retried).toMatchObject({
      status: 'pending',
      source: 'api',
      purchasedAt: BACKEND_TIME,
      nextAttemptAt: NOW + 5000,
    });
  });
});

describe('CLM_BEACON_PURCHASES=hold', () => {
  it('stores purchase beacons without relaying them; the backend report is relayed', async () => {
    const chain = await startChain({}, { CLM_BEACON_PURCHASES: 'hold' });
    expect(await chain.purchases(['held-1', 'never-reported'])).toEqual([204, 204]);
    expect(await chain.store.listRelays()).toEqual([]);
    expect(await chain.store.countEventsByType()).toMatchObject({ purchase: 2 });

    const purchasedAt = new Date(Date.now() - 60_000).toISOString();
    const res = await fetch(`${chain.url}/api/purchases`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${CHAIN_TOKENS.api}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ customerId: 'held-1', purchasedAt }),
    });
    expect(res.status).toBe(202);
    const [relay] = await chain.settled();
    expect(relay).toMatchObject({ status: 'delivered', source: 'api', purchasedAt });
    expect(await chain.received()).toEqual(['held-1']);
    // The beacons' referral stays for the funnel; the unreported one is never relayed.
    expect(await chain.store.listRelays()).toHaveLength(1);
    expect(chain.logger.lines.join('\n')).toContain('waits for the backend');
  });

  it('needs CLM_API_TOKEN, or nothing could ever be relayed', async () => {
    await expect(
      startChain({}, { CLM_BEACON_PURCHASES: 'hold', CLM_API_TOKEN: '' }),
    ).rejects.toThrow(/CLM_BEACON_PURCHASES=hold needs CLM_API_TOKEN/);
  });

  it('relay, the default, relays purchase beacons as before', async () => {
    const chain = await startChain({}, { CLM_BEACON_PURCHASES: 'relay' });
    expect(await chain.purchases(['relayed-1'])).toEqual([204]);
    await waitFor(async () => (await chain.received()).includes('relayed-1'));
  });
});
