import { describe, expect, it } from 'vitest';
import type { Store } from '../../store/types.js';
import { purchaseRelay } from '../../tracking/saas-tracking.js';
import { purchaseFixture } from '../fixtures.js';
import { afterLease, attemptAt, fixedClock, type StoreHarness, T0 } from './harness.js';

const BACKEND_TIME = Date.UTC(2025, 0, 31, 12);
const BACKEND_ISO = new Date(BACKEND_TIME).toISOString();
const clock = fixedClock(T0);

/** The purchase of `cust-1` as the provider's backend reports it, received at `now`. */
function backendReport(now: number, purchasedAt = BACKEND_TIME) {
  const { event } = purchaseFixture({ receivedAt: now });
  const relay = purchaseRelay(
    { partnerKey: 'PK-1', serviceName: 'acme-crm', customerId: 'cust-1', purchasedAt },
    now,
    'api',
  );
  return { event: { ...event, id: `api_${event.id}` }, relay };
}

async function beaconRelay(store: Store) {
  const { event, relay } = purchaseFixture();
  const result = await store.recordEvent(event, relay);
  return { id: result.relay?.id ?? -1, beacon: relay };
}

async function inFlight(store: Store, leaseMs = 1000) {
  const queued = await beaconRelay(store);
  const [claimed] = await store.claimDueRelays({ now: T0, limit: 1, leaseMs });
  return { ...queued, claim: claimed?.attempts ?? -1 };
}

/** A backend's report taking over a relay a beacon queued (IngestStore and the outcomes). */
export function describeTakeover(harness: StoreHarness): void {
  describe('a backend report taking over a beacon relay', () => {
    it('replaces a beacon relay not sent yet', async () => {
      const store = await harness.fresh({ clock });
      const { id } = await beaconRelay(store);
      const report = backendReport(T0 + 5);
      expect(await store.recordEvent(report.event, report.relay)).toEqual({
        duplicate: false,
        relayQueued: false,
        replaced: 'replaced',
        relay: { id, status: 'pending', source: 'api', purchasedAt: BACKEND_ISO },
      });
      const [relay] = await store.listRelays();
      expect(relay).toMatchObject({
        source: 'api',
        purchasedAt: BACKEND_ISO,
        payload: report.relay.payload,
        nextAttemptAt: T0,
        replayedAt: null,
      });
    });

    it('brings a dead beacon relay back, due now, with a fresh retry window', async () => {
      const store = await harness.fresh({ clock });
      const { id, claim } = await inFlight(store);
      await store.markDead(id, attemptAt(T0 + 1, 400, 'refused', claim));
      const report = backendReport(T0 + 50);
      expect(await store.recordEvent(report.event, report.relay)).toMatchObject({
        replaced: 'replaced',
        relay: { id, status: 'pending', source: 'api', purchasedAt: BACKEND_ISO },
      });
      expect((await store.listRelays())[0]).toMatchObject({
        status: 'pending',
        nextAttemptAt: T0 + 50,
        replayedAt: T0 + 50,
        payload: report.relay.payload,
      });
    });

    it('never replaces a delivered relay, an API relay, or for a beacon', async () => {
      const store = await harness.fresh({ clock });
      const { id, claim, beacon } = await inFlight(store);
      await store.markDelivered(id, attemptAt(T0 + 1, 200, null, claim));
      const report = backendReport(T0 + 5);
      expect(await store.recordEvent(report.event, report.relay)).toEqual({
        duplicate: false,
        relayQueued: false,
        relay: { id, status: 'delivered', source: 'beacon', purchasedAt: beacon.purchasedAt },
      });

      const other = await harness.fresh({ clock });
      const first = backendReport(T0);
      const queued = await other.recordEvent(first.event, first.relay);
      const second = backendReport(T0 + 5, BACKEND_TIME + 1000);
      expect(await other.recordEvent(second.event, second.relay)).toEqual({
        duplicate: false,
        relayQueued: false,
        relay: queued.relay,
      });
      const { event, relay } = purchaseFixture();
      expect(await other.recordEvent(event, relay)).toEqual({
        duplicate: false,
        relayQueued: false,
        relay: queued.relay,
      });
      expect((await other.listRelays())[0]?.payload).toEqual(first.relay.payload);
    });

    it('waits beside an attempt in flight; the first report wins', async () => {
      const store = await harness.fresh({ clock });
      const { id, beacon } = await inFlight(store);
      const report = backendReport(T0 + 5);
      expect(await store.recordEvent(report.event, report.relay)).toEqual({
        duplicate: false,
        relayQueued: false,
        replaced: 'replacing',
        relay: { id, status: 'in_flight', source: 'beacon', purchasedAt: BACKEND_ISO },
      });
      const later = backendReport(T0 + 6, BACKEND_TIME + 60_000);
      expect(await store.recordEvent(later.event, later.relay)).toMatchObject({
        replaced: 'replacing',
        relay: { purchasedAt: BACKEND_ISO },
      });
      // Until the attempt ends, the relay carries the beacon's body.
      expect((await store.listRelays())[0]).toMatchObject({
        status: 'in_flight',
        payload: beacon.payload,
        source: 'beacon',
      });
    });

    it('drops the waiting report when the attempt delivers the beacon', async () => {
      const store = await harness.fresh({ clock });
      const { id, claim, beacon } = await inFlight(store);
      const report = backendReport(T0 + 5);
      await store.recordEvent(report.event, report.relay);
      expect(await store.markDelivered(id, attemptAt(T0 + 9, 200, null, claim))).toBe(true);
      expect((await store.listRelays())[0]).toMatchObject({
        status: 'delivered',
        payload: beacon.payload,
        purchasedAt: beacon.purchasedAt,
        source: 'beacon',
      });
    });

    it('sends the waiting report after an attempt that is retried', async () => {
      const store = await harness.fresh({ clock });
      const { id, claim } = await inFlight(store);
      const report = backendReport(T0 + 5);
      await store.recordEvent(report.event, report.relay);
      await store.scheduleRetry(id, T0 + 100, attemptAt(T0 + 9, 503, 'HTTP 503', claim));
      expect((await store.listRelays())[0]).toMatchObject({
        status: 'pending',
        nextAttemptAt: T0 + 100,
        payload: report.relay.payload,
        purchasedAt: BACKEND_ISO,
        source: 'api',
      });
    });

    it('makes the waiting report due now when the beacon attempt is dead', async () => {
      const store = await harness.fresh({ clock });
      const { id, claim } = await inFlight(store);
      const report = backendReport(T0 + 5);
      await store.recordEvent(report.event, report.relay);
      expect(await store.markDead(id, attemptAt(T0 + 9, 400, 'refused', claim))).toBe(true);
      expect((await store.listRelays())[0]).toMatchObject({
        status: 'pending',
        nextAttemptAt: T0 + 9,
        replayedAt: T0 + 9,
        payload: report.relay.payload,
        source: 'api',
        lastStatus: 400,
      });
    });

    it('sends the waiting report when the claim is released or its lease expires', async () => {
      const store = await harness.fresh({ clock });
      const { id } = await inFlight(store);
      const report = backendReport(T0 + 5);
      await store.recordEvent(report.event, report.relay);
      await store.releaseClaims([id]);
      expect((await store.listRelays())[0]).toMatchObject({
        status: 'pending',
        payload: report.relay.payload,
        source: 'api',
      });

      const other = await harness.fresh({ clock });
      const hung = await inFlight(other, 100);
      await other.recordEvent(report.event, report.relay);
      await afterLease(100);
      const [again] = await other.claimDueRelays({ now: T0 + 100, limit: 1, leaseMs: 1000 });
      expect(again).toMatchObject({
        id: hung.id,
        attempts: 2,
        payload: report.relay.payload,
        purchasedAt: BACKEND_ISO,
        source: 'api',
      });
    });
  });
}
