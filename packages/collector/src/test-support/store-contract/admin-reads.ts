import { describe, expect, it } from 'vitest';
import { startBilling } from '../../orders/billing.js';
import type { Store } from '../../store/types.js';
import { purchaseFixture } from '../fixtures.js';
import { createTestOrder } from '../seed-orders.js';
import { fixedClock, type StoreHarness } from './harness.js';

const DAY = 86_400_000;
// A UTC midnight, so day boundaries in the tests are exact.
const D0 = Date.UTC(2026, 10, 20);
const T0 = D0 + 3_600_000;
const clock = fixedClock(T0);

const attempt = { at: T0, status: 400, body: '{"error":"bad"}', error: null };

function visit(id: string, receivedAt: number) {
  const { event } = purchaseFixture({ receivedAt });
  return { ...event, id, type: 'visit' as const, customerId: null };
}

async function purchase(store: Store, customerId: string, receivedAt: number) {
  const { event, relay } = purchaseFixture({ customerId, receivedAt });
  await store.recordEvent(event, relay);
}

async function killAll(store: Store, now: number) {
  for (const relay of await store.claimDueRelays({ now, limit: 100, leaseMs: 1000 })) {
    await store.markDead(relay.id, attempt);
  }
}

// A purchase and an order's billing start, both dead: a dead letter and a billing call.
async function deadPurchaseAndStart(store: Store) {
  await purchase(store, 'x', D0);
  const order = await createTestOrder(store, 'ord-1', ['SKU-A'], { at: D0 });
  await startBilling(store, order, ['SKU-A'], D0);
  await killAll(store, D0 + 1);
}

/** What the dashboard, the metrics and the admin commands read, and the dead-letter replay. */
export function describeAdminReads(harness: StoreHarness): void {
  describe('dashboard and admin queries', () => {
    it('counts visits and relays per UTC day, with empty days as zeros', async () => {
      const store = await harness.fresh({ clock });
      await store.recordEvent(visit('visit_000001', D0 + 1));
      await store.recordEvent(visit('visit_000002', D0 + DAY - 1));
      await store.recordEvent(visit('visit_000003', D0 + 2 * DAY));
      await purchase(store, 'a', D0 + 5);
      await purchase(store, 'b', D0 + 2 * DAY + 5);
      await purchase(store, 'c', D0 + 2 * DAY + 6);
      const [a] = await store.claimDueRelays({ now: D0 + 10, limit: 1, leaseMs: 1000 });
      await store.markDelivered(a?.id ?? -1, { ...attempt, status: 201 });
      const [b] = await store.claimDueRelays({ now: D0 + 3 * DAY, limit: 1, leaseMs: 1000 });
      await store.markDead(b?.id ?? -1, attempt);

      expect(await store.dailyStats({ since: D0, until: D0 + 3 * DAY })).toEqual([
        { day: '2026-11-20', visits: 2, purchases: 1, delivered: 1, pending: 0, dead: 0 },
        { day: '2026-11-21', visits: 0, purchases: 0, delivered: 0, pending: 0, dead: 0 },
        { day: '2026-11-22', visits: 1, purchases: 2, delivered: 0, pending: 1, dead: 1 },
      ]);
      // Outside the window nothing is counted.
      expect(await store.dailyStats({ since: D0 + DAY, until: D0 + 2 * DAY })).toEqual([
        { day: '2026-11-21', visits: 0, purchases: 0, delivered: 0, pending: 0, dead: 0 },
      ]);
      expect(await store.countEventsByType()).toEqual({ visit: 3, purchase: 3 });
      expect(await store.countEvents()).toBe(6);
    });

    it('reports when the longest-waiting relay was queued', async () => {
      const store = await harness.fresh({ clock });
      expect(await store.oldestPendingSince()).toBeNull();
      await purchase(store, 'late', D0 + 500);
      await purchase(store, 'early', D0 + 100);
      expect(await store.oldestPendingSince()).toBe(D0 + 100);
      // In flight still counts as waiting; delivered does not.
      const claimed = await store.claimDueRelays({ now: D0 + 1000, limit: 2, leaseMs: 1000 });
      expect(await store.oldestPendingSince()).toBe(D0 + 100);
      for (const relay of claimed) await store.markDelivered(relay.id, attempt);
      expect(await store.oldestPendingSince()).toBeNull();
    });

    it('replays dead letters to pending, due now, with a fresh retry window', async () => {
      const store = await harness.fresh({ clock });
      await purchase(store, 'x', D0);
      await purchase(store, 'y', D0);
      await purchase(store, 'z', D0);
      await killAll(store, D0 + 1);
      const [first] = await store.pageRelays({ afterId: 0, limit: 1 });

      expect(await store.replayDead({ now: T0, ids: [first?.id ?? -1, 9999] })).toBe(1);
      expect(await store.countRelays()).toMatchObject({ pending: 1, dead: 2 });
      const [replayed] = await store.listRelays({ status: 'pending' });
      expect(replayed).toMatchObject({ id: first?.id, nextAttemptAt: T0, replayedAt: T0 });
      // The attempt history is kept.
      expect(replayed?.attempts).toBe(1);
      expect(replayed?.lastStatus).toBe(400);
      expect(await store.oldestPendingSince()).toBe(T0);

      expect(await store.replayDead({ now: T0, ids: [] })).toBe(0);
      expect(await store.replayDead({ now: T0 })).toBe(2);
      expect(await store.replayDead({ now: T0 })).toBe(0);
      expect(await store.countRelays()).toMatchObject({ pending: 3, dead: 0 });
    });

    it('replays the dead relays of no order only, when asked: billing calls stay dead', async () => {
      const store = await harness.fresh({ clock });
      await deadPurchaseAndStart(store);
      expect(await store.countRelays()).toMatchObject({ dead: 2 });
      expect(await store.replayDead({ now: T0, withoutOrders: true })).toBe(1);
      expect((await store.listRelays({ status: 'dead' })).map((r) => r.kind)).toEqual([
        'start_billing',
      ]);
    });

    it('replays the dead relays of no order and the billing calls named, in one call', async () => {
      const store = await harness.fresh({ clock });
      await deadPurchaseAndStart(store);
      const order = await createTestOrder(store, 'ord-2', ['SKU-B'], { at: D0 });
      await startBilling(store, order, ['SKU-B'], D0);
      await killAll(store, D0 + 2);
      const dead = await store.listRelays({ status: 'dead' });
      const [named, other] = dead.filter((r) => r.kind === 'start_billing');
      const ids = [named?.id ?? -1];

      expect(await store.replayDead({ now: T0, withoutOrders: true, ids })).toBe(2);
      expect((await store.listRelays({ status: 'dead' })).map((r) => r.id)).toEqual([other?.id]);
      expect(await store.replayDead({ now: T0, withoutOrders: true, ids: [] })).toBe(0);
    });

    it('writes off a dead billing call once: kept dead, no longer in doubt, never replayed', async () => {
      const store = await harness.fresh({ clock });
      await deadPurchaseAndStart(store);
      const dead = await store.listRelays({ status: 'dead' });
      const start = dead.find((r) => r.kind === 'start_billing');
      const tracking = dead.find((r) => r.kind === 'saas_tracking');
      expect((await store.listBillingInDoubt()).map((r) => r.id)).toEqual([start?.id]);

      expect(await store.writeOff(tracking?.id ?? -1, T0)).toBe(false);
      expect(await store.writeOff(start?.id ?? -1, T0)).toBe(true);
      expect(await store.writeOff(start?.id ?? -1, T0)).toBe(false);
      expect(await store.listBillingInDoubt()).toEqual([]);
      expect(await store.replayDead({ now: T0 })).toBe(1);
      expect((await store.listRelays({ status: 'dead' }))[0]).toMatchObject({
        id: start?.id,
        updatedAt: T0,
        lastError: expect.stringMatching(/^written off by an operator, not billed: /),
      });
    });

    it('lists relays newest first, of one status if asked, and finds one by its key', async () => {
      const store = await harness.fresh({ clock });
      for (const id of ['a', 'b', 'c']) await purchase(store, id, D0);
      await store.claimDueRelays({ now: D0, limit: 1, leaseMs: 1000 });
      expect((await store.listRelays()).map((r) => r.customerId)).toEqual(['c', 'b', 'a']);
      expect((await store.listRelays({ limit: 1 })).map((r) => r.customerId)).toEqual(['c']);
      expect((await store.listRelays({ status: 'in_flight' })).map((r) => r.customerId)).toEqual([
        'a',
      ]);
      const [newest] = await store.listRelays({ status: 'pending', limit: 1 });
      expect(newest?.customerId).toBe('c');
      const key = newest?.dedupeKey ?? '';
      expect(await store.findRelay('saas_tracking', key)).toEqual(newest);
      expect(await store.findRelay('start_billing', key)).toBeNull();
    });

    it('pages through every relay in id order', async () => {
      const store = await harness.fresh({ clock });
      for (const id of ['a', 'b', 'c', 'd', 'e']) await purchase(store, id, D0);
      const seen: string[] = [];
      for (let afterId = 0; ; ) {
        const page = await store.pageRelays({ afterId, limit: 2 });
        if (page.length === 0) break;
        seen.push(...page.map((relay) => relay.customerId));
        afterId = page.at(-1)?.id ?? Number.MAX_SAFE_INTEGER;
      }
      expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
    });

    it('pages through the relays of one status only', async () => {
      const store = await harness.fresh({ clock });
      for (const id of ['a', 'b', 'c', 'd']) await purchase(store, id, D0);
      const [first] = await store.claimDueRelays({ now: D0 + 1, limit: 1, leaseMs: 1000 });
      await store.markDead(first?.id ?? -1, attempt);
      const third = (await store.pageRelays({ afterId: 0, limit: 3 })).at(-1);
      await store.replayDead({ now: T0 });
      await store.claimDueRelays({ now: T0, limit: 4, leaseMs: 1000 });
      await store.markDead(third?.id ?? -1, attempt);

      const dead = await store.pageRelays({ afterId: 0, limit: 10, status: 'dead' });
      expect(dead.map((relay) => relay.customerId)).toEqual(['c']);
      const inFlight = await store.pageRelays({ afterId: 0, limit: 2, status: 'in_flight' });
      expect(inFlight.map((relay) => relay.customerId)).toEqual(['a', 'b']);
      const rest = await store.pageRelays({
        afterId: inFlight.at(-1)?.id ?? 0,
        limit: 2,
        status: 'in_flight',
      });
      expect(rest.map((relay) => relay.customerId)).toEqual(['d']);
    });

    it('answers a ping', async () => {
      const store = await harness.fresh({ clock });
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });

  describe('opening beside a running collector', () => {
    it('leaves in_flight relays alone with releaseInterrupted: false', async () => {
      const server = await harness.fresh({ clock });
      await purchase(server, 'sending', D0);
      await purchase(server, 'waiting', D0);
      const [claimed] = await server.claimDueRelays({ now: T0, limit: 1, leaseMs: 60_000 });

      const admin = await harness.reopen({ releaseInterrupted: false });
      expect(await admin.countRelays()).toMatchObject({ pending: 1, in_flight: 1 });
      // The running collector still owns its claim and can finish it.
      expect(
        await server.markDelivered(claimed?.id ?? -1, {
          ...attempt,
          status: 201,
          claim: claimed?.attempts ?? 0,
        }),
      ).toBe(true);
      expect(await admin.countRelays()).toMatchObject({ pending: 1, in_flight: 0, delivered: 1 });
    });
  });
}
