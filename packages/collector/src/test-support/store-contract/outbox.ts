import { describe, expect, it } from 'vitest';
import type { NewEvent } from '../../store/types.js';
import { purchaseFixture } from '../fixtures.js';
import { afterLease, attemptAt, fixedClock, type StoreHarness, T0 } from './harness.js';

const attempt = (status: number | null, error: string | null = null) =>
  attemptAt(T0 + 10, status, error);
const clock = fixedClock(T0);

/** Events, their relays, and the worker's claims and outcomes. */
export function describeEventsAndOutbox(harness: StoreHarness): void {
  describe('events and the outbox', () => {
    it('keeps events and relays across close and reopen', async () => {
      const first = await harness.fresh({ clock });
      const { event, relay } = purchaseFixture();
      expect(await first.recordEvent(event, relay)).toEqual({
        duplicate: false,
        relayQueued: true,
        relay: { id: 1, status: 'pending', purchasedAt: relay.purchasedAt, source: 'beacon' },
      });
      await first.recordEvent(purchaseFixture({ type: 'visit', customerId: null }).event);
      await first.close();

      const second = await harness.reopen({ clock });
      expect(await second.countEvents()).toBe(2);
      const [stored] = await second.listRelays();
      expect(stored).toMatchObject({
        kind: 'saas_tracking',
        partnerKey: 'PK-1',
        customerId: 'cust-1',
        status: 'pending',
        attempts: 0,
        payload: relay.payload,
        purchasedAt: relay.purchasedAt,
      });
    });

    it('reads a payload back exactly as it was queued, key order included', async () => {
      const store = await harness.fresh({ clock });
      const { event, relay } = purchaseFixture();
      const payload = {
        zeta: 'last key first',
        text: 'naïve 東京 🚀 "quoted" \\ \u2028',
        nested: { b: [1, 2.5, -0.000001, 1e21], a: null, t: true },
        big: 9_007_199_254_740_991,
      };
      await store.recordEvent(event, { ...relay, payload });
      const [stored] = await store.listRelays();
      expect(stored?.payload).toEqual(payload);
      expect(JSON.stringify(stored?.payload)).toBe(JSON.stringify(payload));
    });

    it('stores a relay that names no source as from the API, beside beacons of the same turn', async () => {
      const store = await harness.fresh({ clock });
      const beacon = purchaseFixture({ customerId: 'from-a-beacon' });
      const unnamed = purchaseFixture({ customerId: 'from-the-api' });
      const { source: _, ...relay } = unnamed.relay;
      await Promise.all([
        store.recordEvent(beacon.event, beacon.relay),
        store.recordEvent(unnamed.event, relay),
      ]);
      const sources = (await store.listRelays()).map((r) => [r.customerId, r.source]).sort();
      expect(sources).toEqual([
        ['from-a-beacon', 'beacon'],
        ['from-the-api', 'api'],
      ]);
    });

    it('ignores a repeated event id', async () => {
      const store = await harness.fresh({ clock });
      const { event, relay } = purchaseFixture();
      await store.recordEvent(event, relay);
      expect(await store.recordEvent(event, relay)).toEqual({
        duplicate: true,
        relayQueued: false,
      });
      expect(await store.countEvents()).toBe(1);
    });

    it('queues one relay per customer, keeping the first receipt time', async () => {
      const store = await harness.fresh({ clock });
      const first = purchaseFixture();
      const second = purchaseFixture({ receivedAt: T0 + 60_000 });
      await store.recordEvent(first.event, first.relay);
      // The answer names the customer's existing relay and its first receipt time.
      expect(await store.recordEvent(second.event, second.relay)).toEqual({
        duplicate: false,
        relayQueued: false,
        relay: { id: 1, status: 'pending', purchasedAt: first.relay.purchasedAt, source: 'beacon' },
      });
      expect(await store.countEvents()).toBe(2);
      const relays = await store.listRelays();
      expect(relays).toHaveLength(1);
      expect(relays[0]?.purchasedAt).toBe(first.relay.purchasedAt);
    });

    it('settles concurrent calls with repeated ids and customers: one event each, one relay', async () => {
      const store = await harness.fresh({ clock });
      const first = purchaseFixture({ customerId: 'same' });
      const sameCustomer = purchaseFixture({ customerId: 'same' });
      const results = await Promise.all([
        store.recordEvent(first.event, first.relay),
        store.recordEvent(first.event, first.relay),
        store.recordEvent(sameCustomer.event, sameCustomer.relay),
      ]);
      expect(results.filter((r) => r.duplicate)).toEqual([{ duplicate: true, relayQueued: false }]);
      expect(results.filter((r) => r.relayQueued)).toHaveLength(1);
      const named = results.filter((r) => !r.duplicate).map((r) => r.relay);
      expect(named).toHaveLength(2);
      expect(named[0]).toEqual(named[1]);
      expect(await store.countEvents()).toBe(2);
      expect(await store.countRelays()).toMatchObject({ pending: 1 });
    });

    it('settles a burst made in one turn as one after the other would, in call order', async () => {
      const store = await harness.fresh({ clock });
      const old = purchaseFixture({ customerId: 'old' });
      await store.recordEvent(old.event, old.relay);
      const burst = Array.from({ length: 200 }, (_, i) => purchaseFixture({ customerId: `c${i}` }));
      const again = purchaseFixture({ customerId: 'old' });
      const c7Again = purchaseFixture({ customerId: 'c7' });
      const visits = Array.from(
        { length: 10 },
        () => purchaseFixture({ type: 'visit', customerId: null }).event,
      );
      const results = await Promise.all([
        ...burst.map(({ event, relay }) => store.recordEvent(event, relay)),
        store.recordEvent(burst[5]?.event as NewEvent, burst[5]?.relay),
        store.recordEvent(again.event, again.relay),
        store.recordEvent(c7Again.event, c7Again.relay),
        ...visits.map((visit) => store.recordEvent(visit)),
      ]);
      // Each new customer's relay is queued, with ids in call order after the old one's.
      expect(results.slice(0, 200).map((r) => [r.relayQueued, r.relay?.id])).toEqual(
        burst.map((_, i) => [true, i + 2]),
      );
      expect(results[200]).toEqual({ duplicate: true, relayQueued: false });
      expect(results[201]).toEqual({
        duplicate: false,
        relayQueued: false,
        relay: { id: 1, status: 'pending', purchasedAt: old.relay.purchasedAt, source: 'beacon' },
      });
      expect(results[202]).toEqual({
        duplicate: false,
        relayQueued: false,
        relay: {
          id: 9,
          status: 'pending',
          purchasedAt: burst[7]?.relay.purchasedAt,
          source: 'beacon',
        },
      });
      expect(results.slice(203)).toEqual(
        visits.map(() => ({ duplicate: false, relayQueued: false })),
      );
      expect(await store.countEvents()).toBe(1 + 200 + 2 + 10);
      expect(await store.countRelays()).toMatchObject({ pending: 201 });
    });

    it('stores every call of a burst larger than one batch, each relay once', async () => {
      const store = await harness.fresh({ clock });
      const burst = Array.from({ length: 1_000 }, (_, i) =>
        purchaseFixture({ customerId: `b${i}` }),
      );
      const results = await Promise.all(
        burst.map(({ event, relay }) => store.recordEvent(event, relay)),
      );
      expect(results.every((r) => r.relayQueued && !r.duplicate)).toBe(true);
      expect(new Set(results.map((r) => r.relay?.id)).size).toBe(1_000);
      expect(await store.countEvents()).toBe(1_000);
      expect((await store.listRelays({ limit: 2_000 })).map((r) => r.customerId).sort()).toEqual(
        burst.map((b) => b.event.customerId).sort(),
      );
    });

    it('stores an event and its relay together or not at all', async () => {
      const store = await harness.fresh({ clock });
      const good = purchaseFixture({ customerId: 'good' });
      const bad = purchaseFixture({ customerId: 'bad' });
      // Breaks the relays table's NOT NULL after the event row went in: both must roll back.
      const badRelay = { ...bad.relay, customerId: null as unknown as string };
      const later = purchaseFixture({ customerId: 'later' });
      const [okFirst, failed, okLast] = await Promise.allSettled([
        store.recordEvent(good.event, good.relay),
        store.recordEvent(bad.event, badRelay),
        store.recordEvent(later.event, later.relay),
      ]);
      expect(okFirst).toMatchObject({ status: 'fulfilled', value: { relayQueued: true } });
      expect(failed).toMatchObject({ status: 'rejected' });
      expect(okLast).toMatchObject({ status: 'fulfilled', value: { relayQueued: true } });
      expect(await store.countEvents()).toBe(2);
      expect((await store.listRelays()).map((r) => r.customerId).sort()).toEqual(['good', 'later']);
    });

    it('commits a call made before the store closes', async () => {
      const store = await harness.fresh({ clock });
      const { event, relay } = purchaseFixture();
      const recorded = store.recordEvent(event, relay);
      await store.close();
      expect(await recorded).toMatchObject({ duplicate: false, relayQueued: true });
      const reopened = await harness.reopen({ clock });
      expect(await reopened.countEvents()).toBe(1);
    });

    it('claims due relays once and honours next attempt times', async () => {
      const store = await harness.fresh({ clock });
      for (const customerId of ['a', 'b', 'c']) {
        const { event, relay } = purchaseFixture({ customerId });
        await store.recordEvent(event, relay);
      }
      const claimed = await store.claimDueRelays({ now: T0, limit: 2, leaseMs: 60_000 });
      // The lease's end is on the store's clock (see 'leases a claim for leaseMs').
      expect(claimed.map((r) => [r.customerId, r.status, r.attempts])).toEqual([
        ['a', 'in_flight', 1],
        ['b', 'in_flight', 1],
      ]);
      expect(
        (await store.claimDueRelays({ now: T0, limit: 5, leaseMs: 60_000 })).map(
          (r) => r.customerId,
        ),
      ).toEqual(['c']);
      expect(await store.claimDueRelays({ now: T0, limit: 5, leaseMs: 60_000 })).toEqual([]);

      const [a, b] = claimed as [(typeof claimed)[0], (typeof claimed)[0]];
      expect(await store.markDelivered(a.id, attempt(200))).toBe(true);
      expect(await store.scheduleRetry(b.id, T0 + 5000, attempt(503, 'HTTP 503'))).toBe(true);
      expect(await store.countRelays()).toEqual({
        pending: 1,
        in_flight: 1,
        delivered: 1,
        dead: 0,
        unconfirmed: 0,
        kept: 0,
      });
      expect(await store.claimDueRelays({ now: T0 + 4999, limit: 5, leaseMs: 60_000 })).toEqual([]);
      const again = await store.claimDueRelays({ now: T0 + 5000, limit: 5, leaseMs: 60_000 });
      expect(again.map((r) => [r.customerId, r.attempts, r.lastStatus, r.lastError])).toEqual([
        ['b', 2, 503, 'HTTP 503'],
      ]);
      expect(await store.markDead(b.id, attempt(400, 'rejected'))).toBe(true);
      const [dead] = await store.listRelays({ status: 'dead' });
      expect(dead).toMatchObject({
        lastStatus: 400,
        lastBody: '{"status":400}',
        lastError: 'rejected',
        leaseUntil: null,
        updatedAt: T0 + 10,
      });
      const [delivered] = await store.listRelays({ status: 'delivered' });
      expect(delivered).toMatchObject({ customerId: 'a', deliveredAt: T0 + 10 });
      // Not in flight any more: a second outcome changes nothing.
      expect(await store.markDelivered(a.id, attempt(200))).toBe(false);
    });

    it('leases a claim for leaseMs on the store clock', async () => {
      // On the wall clock, which is PostgreSQL's (its leases are on the database's clock).
      const store = await harness.fresh();
      const { event, relay } = purchaseFixture();
      await store.recordEvent(event, relay);
      const before = Date.now();
      const [claimed] = await store.claimDueRelays({ now: Date.now(), limit: 1, leaseMs: 60_000 });
      const after = Date.now();
      // PostgreSQL's ms are rounded from its microseconds: 1 ms either way.
      expect(claimed?.leaseUntil).toBeGreaterThanOrEqual(before + 60_000 - 1);
      expect(claimed?.leaseUntil).toBeLessThanOrEqual(after + 60_000 + 1);
    });

    it('re-claims an in_flight relay whose lease expired, and no other', async () => {
      const store = await harness.fresh({ clock });
      for (const [customerId, createdAt] of [
        ['held', T0 - 1],
        ['lost', T0],
      ] as const) {
        const { event, relay } = purchaseFixture({ customerId });
        await store.recordEvent(event, { ...relay, createdAt });
      }
      await store.claimDueRelays({ now: T0, limit: 1, leaseMs: 60_000 });
      await store.claimDueRelays({ now: T0, limit: 1, leaseMs: 100 });
      expect(await store.claimDueRelays({ now: T0, limit: 5, leaseMs: 1000 })).toEqual([]);
      await afterLease(100);
      const again = await store.claimDueRelays({ now: T0 + 100, limit: 5, leaseMs: 1000 });
      expect(again.map((r) => [r.customerId, r.attempts])).toEqual([['lost', 2]]);
    });

    it('renews the leases of relays still in flight under their claim, and only those', async () => {
      const store = await harness.fresh({ clock });
      for (const [customerId, createdAt] of [
        ['renewed', T0 - 3],
        ['late', T0 - 2],
        ['lost', T0 - 1],
        ['done', T0],
      ] as const) {
        const { event, relay } = purchaseFixture({ customerId });
        await store.recordEvent(event, { ...relay, createdAt });
      }
      const claimed = await store.claimDueRelays({ now: T0, limit: 4, leaseMs: 100 });
      const [renewed, late, lost, done] = claimed.map((relay) => relay.id) as number[];
      const claim = (id: number | undefined, n = 1) => ({ id: id ?? -1, claim: n });
      await store.markDelivered(done ?? -1, { ...attempt(200), claim: 1 });
      expect(await store.renewLeases({ claims: [], now: T0, leaseMs: 60_000 })).toEqual([]);
      const first = await store.renewLeases({
        claims: [claim(renewed), claim(lost, 7), claim(done), claim(-1)],
        now: T0 + 50,
        leaseMs: 60_000,
      });
      expect(first).toEqual([renewed]);
      await afterLease(100);
      // A lease that expired while nobody claimed the relay: its sender is alive, it renews.
      expect(
        await store.renewLeases({ claims: [claim(late)], now: T0 + 120, leaseMs: 60_000 }),
      ).toEqual([late]);
      const again = await store.claimDueRelays({ now: T0 + 120, limit: 5, leaseMs: 1000 });
      expect(again.map((r) => [r.customerId, r.attempts])).toEqual([['lost', 2]]);
      // Claimed again: the first claim's sender renews it no more.
      expect(
        await store.renewLeases({ claims: [claim(lost)], now: T0 + 130, leaseMs: 60_000 }),
      ).toEqual([]);
      const leases = new Map((await store.listRelays()).map((r) => [r.customerId, r.leaseUntil]));
      expect(leases.get('done')).toBeNull();
      expect(leases.get('renewed')).toBeGreaterThan(leases.get('lost') ?? Infinity);
    });

    it('releases claims on request, due at once', async () => {
      const store = await harness.fresh({ clock });
      const { event, relay } = purchaseFixture();
      await store.recordEvent(event, relay);
      const [claimed] = await store.claimDueRelays({ now: T0, limit: 1, leaseMs: 60_000 });
      await store.releaseClaims([]);
      await store.releaseClaims([claimed?.id ?? -1]);
      expect(await store.countRelays()).toMatchObject({ pending: 1, in_flight: 0 });
      const [released] = await store.listRelays();
      expect(released).toMatchObject({ leaseUntil: null, nextAttemptAt: T0, attempts: 1 });
    });

    it('sends a relay left in flight by a stopped process again once it restarts', async () => {
      const crashed = await harness.fresh({ clock });
      const { event, relay } = purchaseFixture();
      await crashed.recordEvent(event, relay);
      await crashed.claimDueRelays({ now: T0, limit: 1, leaseMs: 100 });
      // A crash: nothing releases the claim.
      await crashed.close();
      await afterLease(100);

      const restarted = await harness.reopen({ clock });
      const [resumed] = await restarted.claimDueRelays({
        now: T0 + 100,
        limit: 1,
        leaseMs: 1000,
      });
      expect(resumed).toMatchObject({ customerId: 'cust-1', attempts: 2, status: 'in_flight' });
    });

    it('claims in due order with a large backlog', async () => {
      const store = await harness.fresh({ clock });
      await Promise.all(
        Array.from({ length: 500 }, (_, i) => {
          const { event, relay } = purchaseFixture({ customerId: `c${i}` });
          return store.recordEvent(event, { ...relay, createdAt: T0 - i });
        }),
      );
      const claimed = await store.claimDueRelays({ now: T0, limit: 3, leaseMs: 60_000 });
      expect(claimed.map((r) => r.customerId)).toEqual(['c499', 'c498', 'c497']);
    });

    it('claims expired leases and pending relays together, in due order', async () => {
      const store = await harness.fresh({ clock });
      for (const [customerId, createdAt] of [
        ['early', T0 - 300],
        ['middle', T0 - 200],
        ['late', T0 - 100],
      ] as const) {
        const { event, relay } = purchaseFixture({ customerId });
        await store.recordEvent(event, { ...relay, createdAt });
      }
      const [early] = await store.claimDueRelays({ now: T0, limit: 1, leaseMs: 10 });
      expect(early?.customerId).toBe('early');
      await afterLease(10);
      const both = await store.claimDueRelays({ now: T0 + 10, limit: 2, leaseMs: 10 });
      expect(both.map((r) => [r.customerId, r.attempts])).toEqual([
        ['early', 2],
        ['middle', 1],
      ]);
    });
  });

  describe('finishing a relay', () => {
    const ok = { at: T0, status: 200, body: '{}', error: null };

    it('changes the row only while it still holds the claim it was sent under', async () => {
      const store = await harness.fresh({ clock });
      const { event, relay } = purchaseFixture();
      await store.recordEvent(event, relay);
      const [first] = await store.claimDueRelays({ now: T0, limit: 1, leaseMs: 100 });
      // A hung attempt: its lease expires and the relay is claimed again.
      await afterLease(100);
      const [second] = await store.claimDueRelays({ now: T0 + 100, limit: 1, leaseMs: 1000 });
      expect([first?.attempts, second?.attempts]).toEqual([1, 2]);

      // The first attempt's outcome arrives late: it no longer holds the row.
      expect(await store.markDead(first?.id ?? -1, { ...ok, status: 400, claim: 1 })).toBe(false);
      expect(await store.scheduleRetry(first?.id ?? -1, T0, { ...ok, claim: 1 })).toBe(false);
      expect(await store.markDelivered(first?.id ?? -1, { ...ok, claim: 1 })).toBe(false);
      expect((await store.listRelays())[0]).toMatchObject({ status: 'in_flight', attempts: 2 });

      expect(await store.markDelivered(second?.id ?? -1, { ...ok, claim: 2 })).toBe(true);
      expect((await store.listRelays())[0]).toMatchObject({ status: 'delivered' });
    });

    it('settles deliveries made in one turn each on its own claim and answer', async () => {
      const store = await harness.fresh({ clock });
      for (const customerId of ['a', 'b', 'c', 'd']) {
        const { event, relay } = purchaseFixture({ customerId });
        await store.recordEvent(event, relay);
      }
      const claimed = await store.claimDueRelays({ now: T0, limit: 4, leaseMs: 60_000 });
      const [a, b, c, d] = claimed.map((relay) => relay.id);
      const answer = (status: number, body: string, at: number) => ({
        at,
        status,
        body,
        error: null,
        claim: 1,
      });
      const results = await Promise.all([
        store.markDelivered(a ?? -1, answer(200, '{"a":1}', T0 + 1)),
        // A stale claim changes nothing, beside others that do.
        store.markDelivered(b ?? -1, { ...answer(201, '{}', T0 + 2), claim: 7 }),
        store.markDelivered(c ?? -1, { ...answer(201, 'naïve \u0000', T0 + 3), lateFrom: T0 }),
        store.markDelivered(-1, answer(200, '{}', T0 + 4)),
        store.markDelivered(d ?? -1, answer(202, '', T0 + 5)),
      ]);
      expect(results).toEqual([true, false, true, false, true]);
      const rows = new Map((await store.listRelays()).map((relay) => [relay.id, relay]));
      expect(rows.get(a ?? -1)).toMatchObject({
        status: 'delivered',
        lastStatus: 200,
        lastBody: '{"a":1}',
        deliveredAt: T0 + 1,
        late: false,
      });
      expect(rows.get(b ?? -1)).toMatchObject({ status: 'in_flight', lastStatus: null });
      expect(rows.get(c ?? -1)).toMatchObject({ status: 'delivered', lastStatus: 201, late: true });
      expect(rows.get(c ?? -1)?.lastBody).toMatch(/^naïve /);
      expect(rows.get(d ?? -1)).toMatchObject({ status: 'delivered', deliveredAt: T0 + 5 });
    });
  });
}
