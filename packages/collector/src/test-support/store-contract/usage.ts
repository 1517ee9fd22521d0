import { describe, expect, it } from 'vitest';
import { startBillingRelay } from '../../orders/relay-kinds.js';
import { PLAIN_RULES } from '../../store/outbox.js';
import type { Store } from '../../store/types.js';
import { monthEndBlackout, usageReportRelay } from '../../usage/report-kind.js';
import { afterLease, alwaysOn, attemptAt, fixedClock, type StoreHarness, T0 } from './harness.js';
import { createOrder, terminate, usageEvent } from './orders.js';

const clock = fixedClock(T0);

const close = (store: Store, period: string, now = T0, early = false) =>
  store.closePeriod({
    period,
    now,
    early,
    report: (bucket) => usageReportRelay(bucket, now),
  });

/** Usage events, periods, their reports, and how the worker claims those. */
export function describeUsage(harness: StoreHarness): void {
  describe('usage', () => {
    it('refuses a whole batch with an unknown order, SKU or a terminated SKU', async () => {
      const store = await harness.fresh({ clock });
      const order = await createOrder(store);
      await terminate(store, order, ['SKU-B'], T0);
      const good = usageEvent('ok-1', 'SKU-A', '2026-07', 1n);
      expect(
        await store.recordUsage([
          good,
          { ...usageEvent('x-1', 'SKU-A', '2026-07', 1n), provisioningId: 'nope' },
          usageEvent('x-2', 'SKU-Z', '2026-07', 1n),
          usageEvent('x-3', 'SKU-B', '2026-07', 1n),
        ]),
      ).toEqual([
        { eventId: 'ok-1', result: 'recorded', period: '2026-07' },
        { eventId: 'x-1', result: 'unknown-order' },
        { eventId: 'x-2', result: 'unknown-sku' },
        { eventId: 'x-3', result: 'terminated' },
      ]);
      expect(await store.usageLines()).toEqual([]);
      expect(await store.firstOpenUsagePeriod()).toBeNull();
    });

    it('counts a repeated event id once, inside a batch and across batches', async () => {
      const store = await harness.fresh({ clock });
      await createOrder(store);
      const event = usageEvent('e-1', 'SKU-A', '2026-07', 2_000_000n);
      expect(await store.recordUsage([event, event])).toEqual([
        { eventId: 'e-1', result: 'recorded', period: '2026-07' },
        { eventId: 'e-1', result: 'duplicate', period: '2026-07' },
      ]);
      expect(await store.recordUsage([{ ...event, receivedAt: T0 + 5000 }])).toEqual([
        { eventId: 'e-1', result: 'duplicate', period: '2026-07' },
      ]);
      const results = await Promise.all(
        [1, 2, 3].map(() => store.recordUsage([usageEvent('e-2', 'SKU-A', '2026-07', 1n)])),
      );
      expect(
        results
          .flat()
          .map((r) => r.result)
          .sort(),
      ).toEqual(['duplicate', 'duplicate', 'recorded']);
      const [line] = await store.usageLines();
      expect(line).toMatchObject({ micros: 2_000_001n, events: 2 });
    });

    it('refuses an eventId reused with another order, SKU, quantity or time, storing nothing', async () => {
      const store = await harness.fresh({ clock });
      const order = await createOrder(store);
      await createOrder(store, { provisioningId: 'prov-2', productSkus: ['SKU-A'] });
      const first = { ...usageEvent('e-1', 'SKU-A', '2026-07', 2_000_000n), givenOccurredAt: T0 };
      await store.recordUsage([first]);
      const stored = { provisioningId: 'prov-1', sku: 'SKU-A', micros: 2_000_000n, occurredAt: T0 };
      for (const other of [
        { ...first, provisioningId: 'prov-2' },
        { ...first, sku: 'SKU-B' },
        { ...first, micros: 2_000_001n },
        { ...first, givenOccurredAt: T0 - 1, occurredAt: T0 - 1 },
      ]) {
        expect(
          await store.recordUsage([usageEvent('new-1', 'SKU-A', '2026-07', 1n), other]),
        ).toEqual([
          { eventId: 'new-1', result: 'recorded', period: '2026-07' },
          { eventId: 'e-1', result: 'conflict', stored },
        ]);
      }
      // Inside one request too: the second use of an eventId is judged against the first.
      const twice = await store.recordUsage([
        usageEvent('e-2', 'SKU-A', '2026-07', 1n),
        usageEvent('e-2', 'SKU-A', '2026-07', 3n),
      ]);
      expect(twice[1]).toEqual({
        eventId: 'e-2',
        result: 'conflict',
        stored: { ...stored, micros: 1n },
      });
      // A conflict is a conflict on a terminated SKU too; an identical repeat stays counted.
      await terminate(store, order, ['SKU-A'], T0);
      expect(await store.recordUsage([{ ...first, micros: 1n }])).toEqual([
        { eventId: 'e-1', result: 'conflict', stored },
      ]);
      expect(await store.recordUsage([first])).toEqual([
        { eventId: 'e-1', result: 'duplicate', period: '2026-07' },
      ]);
      const lines = await store.usageLines();
      expect(lines.map((l) => [l.provisioningId, l.sku, l.micros, l.events])).toEqual([
        ['prov-1', 'SKU-A', 2_000_000n, 1],
      ]);
    });

    it('stores one of two requests racing with one eventId for different events, whole', async () => {
      const store = await harness.fresh({ clock });
      await createOrder(store);
      const [a, b] = await Promise.all(
        [1n, 2n].map((micros) =>
          store.recordUsage([
            usageEvent(`own-${micros}`, 'SKU-A', '2026-07', 10n),
            usageEvent('shared', 'SKU-A', '2026-07', micros),
          ]),
        ),
      );
      const outcomes = [a?.[1]?.result, b?.[1]?.result].sort();
      expect(outcomes).toEqual(['conflict', 'recorded']);
      const [line] = await store.usageLines();
      // The winner's two events; nothing of the refused request.
      expect([line?.events, line?.micros === 11n || line?.micros === 12n]).toEqual([2, true]);
    });

    it('compares a repeat on the occurredAt it gives as the first receipt read it', async () => {
      const store = await harness.fresh({ clock });
      await createOrder(store);
      // Left out: stored as the receipt; a retry without it, received later, is the same.
      const untimed = usageEvent('u-1', 'SKU-A', '2026-07', 1n);
      await store.recordUsage([untimed]);
      expect(
        await store.recordUsage([{ ...untimed, occurredAt: T0 + 60_000, receivedAt: T0 + 60_000 }]),
      ).toEqual([{ eventId: 'u-1', result: 'duplicate', period: '2026-07' }]);
      // Given 30 s ahead of the first receipt: stored as that receipt, and read so again.
      const ahead = { ...usageEvent('a-1', 'SKU-A', '2026-07', 1n), givenOccurredAt: T0 + 30_000 };
      await store.recordUsage([ahead]);
      expect(
        await store.recordUsage([{ ...ahead, occurredAt: T0 + 30_000, receivedAt: T0 + 90_000 }]),
      ).toEqual([{ eventId: 'a-1', result: 'duplicate', period: '2026-07' }]);
      expect(await store.recordUsage([{ ...ahead, givenOccurredAt: T0 - 1000 }])).toEqual([
        {
          eventId: 'a-1',
          result: 'conflict',
          stored: { provisioningId: 'prov-1', sku: 'SKU-A', micros: 1n, occurredAt: T0 },
        },
      ]);
    });

    it('closes a period once, one report per order and SKU with the exact sum', async () => {
      const store = await harness.fresh({ clock });
      await createOrder(store);
      await createOrder(store, { provisioningId: 'prov-2', productSkus: ['SKU-A'] });
      await store.recordUsage([
        usageEvent('a-1', 'SKU-A', '2026-06', 100_000n),
        usageEvent('a-2', 'SKU-A', '2026-06', 200_000n),
        usageEvent('b-1', 'SKU-B', '2026-06', 900_719_925_474_099n),
        { ...usageEvent('c-1', 'SKU-A', '2026-06', 7n), provisioningId: 'prov-2' },
        usageEvent('a-3', 'SKU-A', '2026-07', 1n),
      ]);
      expect(await store.lastClosedPeriod()).toBeNull();
      expect(await store.firstOpenUsagePeriod()).toBe('2026-06');
      expect(await close(store, '2026-06', T0 + 1)).toEqual({ queued: 3, held: 0 });
      expect(await close(store, '2026-06', T0 + 2)).toBeNull();
      expect(await close(store, '2026-05', T0 + 2)).toBeNull();
      expect(await store.lastClosedPeriod()).toBe('2026-06');
      expect(await store.firstOpenUsagePeriod()).toBe('2026-07');
      expect(await store.listClosedPeriods()).toEqual([
        { period: '2026-06', closedAt: T0 + 1, early: false },
      ]);

      const lines = await store.usageLines({ period: '2026-06' });
      expect(lines.map((l) => [l.provisioningId, l.sku, l.micros, l.events])).toEqual([
        ['prov-1', 'SKU-A', 300_000n, 2],
        ['prov-1', 'SKU-B', 900_719_925_474_099n, 1],
        ['prov-2', 'SKU-A', 7n, 1],
      ]);
      expect(lines[0]).toMatchObject({
        period: '2026-06',
        customerId: 'cust-9',
        providerKey: 'PK-1',
        productId: 4242,
        report: { status: 'pending', late: false, attempts: 0, lastError: null, deliveredAt: null },
      });
      const reports = await store.listRelays();
      expect(reports.map((r) => (r.payload as { usageCount: string }).usageCount).sort()).toEqual(
        ['0.3', '0.000007', '900719925.474099'].sort(),
      );
      expect(await store.countReports()).toEqual({
        pending: 3,
        in_flight: 0,
        delivered: 0,
        dead: 0,
        unconfirmed: 0,
      });
      // The open period's line has no report yet; filters by order too.
      expect(await store.usageLines({ provisioningId: 'prov-2' })).toEqual([
        expect.objectContaining({ period: '2026-06', provisioningId: 'prov-2' }),
      ]);
      expect((await store.usageLines()).map((l) => [l.period, l.report === null])).toEqual([
        ['2026-07', true],
        ['2026-06', false],
        ['2026-06', false],
        ['2026-06', false],
      ]);
    });

    it('counts usage of a closed period in the first open one', async () => {
      const store = await harness.fresh({ clock });
      await createOrder(store);
      await close(store, '2026-06', T0, true);
      expect(await store.listClosedPeriods()).toEqual([
        { period: '2026-06', closedAt: T0, early: true },
      ]);
      expect(
        await store.recordUsage([
          usageEvent('late-1', 'SKU-A', '2026-05', 1n),
          usageEvent('late-2', 'SKU-A', '2026-06', 1n),
          usageEvent('now-1', 'SKU-A', '2026-08', 1n),
        ]),
      ).toEqual([
        { eventId: 'late-1', result: 'recorded', period: '2026-07' },
        { eventId: 'late-2', result: 'recorded', period: '2026-07' },
        { eventId: 'now-1', result: 'recorded', period: '2026-08' },
      ]);
      expect(await store.firstOpenUsagePeriod()).toBe('2026-07');
    });

    it('queues no close report for usage already reported at termination', async () => {
      const store = await harness.fresh({ clock });
      const order = await createOrder(store);
      await store.recordUsage([
        usageEvent('a-1', 'SKU-A', '2026-06', 1n),
        usageEvent('b-1', 'SKU-B', '2026-06', 1n),
      ]);
      await terminate(store, order, ['SKU-A'], T0);
      expect(await close(store, '2026-06')).toEqual({ queued: 1, held: 0 });
      const reports = (await store.listRelays()).filter((r) => r.kind === 'usage_report');
      expect(reports.map((r) => r.sku).sort()).toEqual(['SKU-A', 'SKU-B']);
    });

    it('lets an operator confirm or resend an unconfirmed report, and resend a dead one', async () => {
      const store = await harness.fresh({ clock });
      await createOrder(store);
      await store.recordUsage([
        usageEvent('a-1', 'SKU-A', '2026-06', 1n),
        usageEvent('b-1', 'SKU-B', '2026-06', 1n),
      ]);
      await close(store, '2026-06');
      const [a, b] = await store.claimDueRelays({ now: T0, limit: 2, leaseMs: 1000 });
      const [aId, bId] = [a?.id ?? -1, b?.id ?? -1];
      expect(await store.markUnconfirmed(aId, attemptAt(T0 + 1, 502, 'HTTP 502'))).toBe(true);
      expect(await store.markDead(bId, attemptAt(T0 + 1, 400, 'refused'))).toBe(true);
      expect(await store.countReports()).toMatchObject({ unconfirmed: 1, dead: 1 });
      // Unconfirmed reports are not claimed again by themselves.
      expect(await store.claimDueRelays({ now: T0 + 10_000, limit: 5, leaseMs: 1000 })).toEqual([]);

      // Confirmed days later, in another month: it was received when it was sent, and the
      // reconciliation bills it on that month, as the marketplace did.
      const later = T0 + 40 * 86_400_000;
      expect(await store.confirmReport(bId, later)).toBe(false);
      expect(await store.confirmReport(aId, later)).toBe(true);
      expect(await store.confirmReport(aId, later)).toBe(false);
      expect((await store.listRelays({ status: 'delivered' }))[0]).toMatchObject({
        id: aId,
        deliveredAt: T0 + 1,
        updatedAt: later,
        lastError: 'confirmed by an operator as received by the marketplace',
      });
      expect(await store.resendReport(aId, T0 + 3)).toBe(false);
      expect(await store.resendReport(bId, T0 + 3)).toBe(true);
      expect((await store.listRelays({ status: 'pending' }))[0]).toMatchObject({
        id: bId,
        nextAttemptAt: T0 + 3,
        replayedAt: T0 + 3,
      });
      // Only usage reports: another kind is neither confirmed nor resent here.
      const order = await store.getOrder('prov-1');
      const [billing] = await store.queueOrderRelays([
        startBillingRelay(order as NonNullable<typeof order>, 'SKU-A', T0),
      ]);
      const billingId = billing?.relay.id ?? -1;
      await store.claimDueRelays({ now: T0 + 3, limit: 5, leaseMs: 1000 });
      await store.markDead(billingId, attemptAt(T0 + 4, 400));
      expect(await store.resendReport(billingId, T0 + 5)).toBe(false);
    });

    it('records late delivery of a report, and the outcome of its attempt', async () => {
      const store = await harness.fresh({ clock });
      await createOrder(store);
      await store.recordUsage([usageEvent('a-1', 'SKU-A', '2026-06', 1n)]);
      await close(store, '2026-06');
      const [report] = await store.claimDueRelays({ now: T0, limit: 1, leaseMs: 1000 });
      await store.markDelivered(report?.id ?? -1, { ...attemptAt(T0 + 1, 200), lateFrom: T0 });
      const [line] = await store.usageLines();
      expect(line?.report).toEqual({
        id: report?.id,
        status: 'delivered',
        lastError: null,
        deliveredAt: T0 + 1,
        late: true,
        attempts: 1,
      });
      expect((await store.listRelays())[0]?.late).toBe(true);
    });
  });

  describe('claiming usage reports and ends', () => {
    it('decides by the rules a row carries, whatever its kind', async () => {
      const store = await harness.fresh({ clock });
      const order = await createOrder(store);
      // A start with a report's rules: it waits out its pause, and is sent at most once.
      const rules = { ...PLAIN_RULES, pause: 'maintenance', atMostOnce: true };
      await store.queueOrderRelays([{ ...startBillingRelay(order, 'SKU-A', T0), rules }]);
      const claim = (now: number, paused: string[] = []) =>
        store.claimDueRelays({ now, limit: 5, leaseMs: 1000, pauses: paused.map(alwaysOn) });
      expect(await claim(T0, ['blackout', 'maintenance'])).toEqual([]);
      const [start] = await claim(T0, ['blackout']);
      expect(start).toMatchObject({ kind: 'start_billing', rules });
      // Its lease over, it is never sent again by itself.
      expect(await claim(T0 + 5000)).toEqual([]);
    });

    it('holds usage reports while their pause is on (the blackout), and ends behind their reports', async () => {
      const store = await harness.fresh({ clock });
      const order = await createOrder(store);
      await store.recordUsage([usageEvent('a-1', 'SKU-A', '2026-06', 1n)]);
      await terminate(store, order, ['SKU-A'], T0);

      const held = await store.claimDueRelays({
        now: T0,
        limit: 5,
        leaseMs: 1000,
        pauses: [alwaysOn(monthEndBlackout.name)],
      });
      // The end waits for the report, which is held.
      expect(held).toEqual([]);
      const [report] = await store.claimDueRelays({ now: T0, limit: 5, leaseMs: 1000 });
      expect(report?.kind).toBe('usage_report');
      // Still waiting while the report is being sent.
      expect(await store.claimDueRelays({ now: T0, limit: 5, leaseMs: 1000 })).toEqual([]);
      await store.markDelivered(report?.id ?? -1, attemptAt(T0 + 1, 200));
      const [end] = await store.claimDueRelays({ now: T0 + 1, limit: 5, leaseMs: 1000 });
      expect(end).toMatchObject({ kind: 'usage_end', sku: 'SKU-A' });
    });

    it('holds an end behind an unconfirmed report until an operator confirms or resends it', async () => {
      for (const settle of ['confirm', 'resend'] as const) {
        const store = await harness.fresh({ clock });
        const order = await createOrder(store);
        await store.recordUsage([usageEvent('a-1', 'SKU-A', '2026-06', 1n)]);
        await terminate(store, order, ['SKU-A'], T0);
        const [report] = await store.claimDueRelays({ now: T0, limit: 5, leaseMs: 1000 });
        expect(report?.kind).toBe('usage_report');
        await store.markUnconfirmed(report?.id ?? -1, attemptAt(T0 + 1, 503));
        // After the end the marketplace refuses the report: a resend must go first.
        expect(await store.claimDueRelays({ now: T0 + 2, limit: 5, leaseMs: 1000 })).toEqual([]);
        if (settle === 'confirm') {
          expect(await store.confirmReport(report?.id ?? -1, T0 + 3)).toBe(true);
        } else {
          expect(await store.resendReport(report?.id ?? -1, T0 + 3)).toBe(true);
          const [again] = await store.claimDueRelays({ now: T0 + 3, limit: 5, leaseMs: 1000 });
          expect(again).toMatchObject({ id: report?.id, kind: 'usage_report' });
          await store.markDelivered(report?.id ?? -1, attemptAt(T0 + 4, 200));
        }
        const [end] = await store.claimDueRelays({ now: T0 + 5, limit: 5, leaseMs: 1000 });
        expect(end).toMatchObject({ kind: 'usage_end', sku: 'SKU-A' });
      }
    });

    it('never claims a usage report again by itself once its lease expired', async () => {
      const store = await harness.fresh({ clock });
      await createOrder(store);
      await store.recordUsage([usageEvent('a-1', 'SKU-A', '2026-06', 1n)]);
      await close(store, '2026-06');
      const [report] = await store.claimDueRelays({ now: T0, limit: 5, leaseMs: 100 });
      expect(report?.kind).toBe('usage_report');
      await afterLease(100);
      expect(await store.claimDueRelays({ now: T0 + 60_000, limit: 5, leaseMs: 1000 })).toEqual([]);
      expect((await store.listRelays())[0]?.attempts).toBe(1);
    });

    it('keeps a usage report whose lease its sender renews in flight, its outcome recorded', async () => {
      const store = await harness.fresh({ clock });
      await createOrder(store);
      await store.recordUsage([usageEvent('a-1', 'SKU-A', '2026-06', 1n)]);
      await close(store, '2026-06');
      // Leases of 600 ms renewed every ~300: each renewal has as long again to spare, so a
      // busy machine (PostgreSQL's leases run on its clock) does not let one lapse.
      const [report] = await store.claimDueRelays({ now: T0, limit: 5, leaseMs: 600 });
      const claims = [{ id: report?.id ?? -1, claim: 1 }];
      // A call longer than the first lease: its sender renews it twice meanwhile.
      for (const now of [T0 + 300, T0 + 600]) {
        await afterLease(300);
        expect(await store.renewLeases({ claims, now, leaseMs: 600 })).toEqual([report?.id]);
      }
      // Another claim (another instance's on PostgreSQL) settles nothing: it is not lost.
      expect(await store.claimDueRelays({ now: T0 + 900, limit: 5, leaseMs: 600 })).toEqual([]);
      expect(await store.countReports()).toMatchObject({ in_flight: 1, unconfirmed: 0 });
      expect(await store.markDelivered(report?.id ?? -1, attemptAt(T0 + 910, 200, null, 1))).toBe(
        true,
      );
      expect(await store.countReports()).toMatchObject({ delivered: 1, in_flight: 0 });
    });

    it('leaves a usage report interrupted while sending unconfirmed after a restart', async () => {
      const first = await harness.fresh({ clock });
      await createOrder(first);
      await queueReportAndBilling(first);
      const claimed = await first.claimDueRelays({ now: T0, limit: 5, leaseMs: 100 });
      expect(claimed.map((r) => r.kind).sort()).toEqual(['start_billing', 'usage_report']);
      await first.close();
      await afterLease(100);

      const second = await harness.reopen({ clock: fixedClock(T0 + 1000) });
      const again = await second.claimDueRelays({ now: T0 + 1000, limit: 5, leaseMs: 1000 });
      expect(again.map((r) => r.kind)).toEqual(['start_billing']);
      const [report] = await second.listRelays({ status: 'unconfirmed' });
      expect(report).toMatchObject({
        kind: 'usage_report',
        leaseUntil: null,
        lastError: 'interrupted while sending: the marketplace may have received it',
      });
      expect(await second.countReports()).toMatchObject({ unconfirmed: 1, in_flight: 0 });
    });
  });
}

// A usage report and a start of billing, both queued.
async function queueReportAndBilling(store: Store): Promise<void> {
  await store.recordUsage([usageEvent('a-1', 'SKU-A', '2026-06', 1n)]);
  await close(store, '2026-06');
  const order = await store.getOrder('prov-1');
  await store.queueOrderRelays([
    startBillingRelay(order as NonNullable<typeof order>, 'SKU-A', T0),
  ]);
}
