import { describe, expect, it } from 'vitest';
import { reconciliationCall } from '../../reconciliation/reconciliation-calls.js';
import type { Relay } from '../../store/outbox.js';
import { INTERRUPTED_REPORT_ERROR } from '../../store/relay-states.js';
import { usageReportRelay } from '../../usage/report-kind.js';
import { afterLease, attemptAt, fixedClock, type StoreHarness, T0 } from './harness.js';
import { createOrder, usageEvent } from './orders.js';

const DAY_MS = 86_400_000;
/** When the store that settles the interrupted reports starts: another month. */
const SETTLED_AT = T0 + 40 * DAY_MS;
const SKUS = ['SKU-A', 'SKU-B', 'SKU-C', 'SKU-D', 'SKU-E', 'SKU-F'];

/**
 * Usage reports of `skus`, claimed (sent) at T0 by a store that stopped while sending
 * them; the store opened after their leases expired, at {@link SETTLED_AT}, which turned
 * them unconfirmed. Resolves with it and the reports by SKU as claimed.
 */
async function interruptedReports(harness: StoreHarness, skus: readonly string[]) {
  const crashed = await harness.fresh({ clock: fixedClock(T0) });
  await createOrder(crashed, { productSkus: [...skus] });
  await crashed.recordUsage(skus.map((sku) => usageEvent(`u-${sku}`, sku, '2026-06', 1n)));
  await crashed.closePeriod({
    period: '2026-06',
    now: T0,
    early: false,
    report: (bucket) => usageReportRelay(bucket, T0),
  });
  const claimed = await crashed.claimDueRelays({ now: T0, limit: skus.length, leaseMs: 100 });
  await crashed.close();
  await afterLease(100);
  const store = await harness.reopen({ clock: fixedClock(SETTLED_AT) });
  expect(await store.countReports()).toMatchObject({ unconfirmed: skus.length, in_flight: 0 });
  const bySku = new Map(claimed.map((relay) => [relay.sku ?? '', relay]));
  const report = (sku: string) => bySku.get(sku) as Relay;
  const row = async (sku: string) =>
    (await store.listRelays()).find((relay) => relay.id === report(sku).id);
  return { store, report, row };
}

/** Usage reports a stopped or stalled sender left unconfirmed, and what settles them. */
export function describeInterruptedReports(harness: StoreHarness): void {
  describe('a usage report interrupted while sending', () => {
    it('takes the answer of the attempt that was cut off when it comes late, under its claim', async () => {
      const { store, report, row } = await interruptedReports(harness, SKUS.slice(0, 5));
      const late = (sku: string) => ({ id: report(sku).id, claim: report(sku).attempts });
      const answer = (status: number | null, error: string | null, claim: number) =>
        attemptAt(T0 + 5, status, error, claim);

      // Another claim's answer is not this attempt's.
      const a = late('SKU-A');
      expect(await store.markDelivered(a.id, answer(200, null, a.claim + 1))).toBe(false);
      expect(await row('SKU-A')).toMatchObject({ status: 'unconfirmed' });
      // The marketplace took it: delivered when the attempt ended.
      expect(await store.markDelivered(a.id, answer(200, null, a.claim))).toBe(true);
      expect(await row('SKU-A')).toMatchObject({
        status: 'delivered',
        deliveredAt: T0 + 5,
        lastError: null,
        lastStatus: 200,
      });
      // It refused it: dead with its words, not billed.
      const b = late('SKU-B');
      expect(await store.markDead(b.id, answer(400, 'HTTP 400: refused', b.claim))).toBe(true);
      expect(await row('SKU-B')).toMatchObject({ status: 'dead', lastError: 'HTTP 400: refused' });
      // It certainly did not arrive (429): sent again, when the answer says.
      const c = late('SKU-C');
      expect(await store.scheduleRetry(c.id, T0 + 60, answer(429, 'HTTP 429', c.claim))).toBe(true);
      expect(await row('SKU-C')).toMatchObject({ status: 'pending', nextAttemptAt: T0 + 60 });
      // A timeout may have been billed: unconfirmed still, with what became of the attempt.
      const d = late('SKU-D');
      expect(await store.markUnconfirmed(d.id, answer(null, 'timed out', d.claim))).toBe(true);
      expect(await row('SKU-D')).toMatchObject({ status: 'unconfirmed', lastError: 'timed out' });
      // An unconfirmed answer settles no more than once either.
      expect(await store.markDelivered(d.id, answer(200, null, d.claim))).toBe(false);
      expect(await row('SKU-E')).toMatchObject({ lastError: INTERRUPTED_REPORT_ERROR });
    });

    it('is dated when it was sent, not when it was found interrupted, once confirmed', async () => {
      const { store, report, row } = await interruptedReports(harness, ['SKU-A']);
      const sent = new Date(T0).toISOString();
      // Sent in November, found interrupted when the collector started again in December.
      expect(reconciliationCall((await row('SKU-A')) as Relay)).toMatchObject({
        state: 'unconfirmed',
        sentAt: sent,
        period: '2023-11',
      });
      expect(await store.confirmReport(report('SKU-A').id, SETTLED_AT + DAY_MS)).toBe(true);
      const confirmed = (await row('SKU-A')) as Relay;
      expect(confirmed).toMatchObject({ deliveredAt: T0, updatedAt: SETTLED_AT + DAY_MS });
      // The reconciliation counts it in the month the marketplace billed it.
      expect(reconciliationCall(confirmed)).toMatchObject({
        state: 'delivered',
        sentAt: sent,
        period: '2023-11',
      });
    });

    it('never lets a late answer undo what an operator decided', async () => {
      const { store, report, row } = await interruptedReports(harness, SKUS.slice(0, 2));
      const [confirmed, resent] = [report('SKU-A'), report('SKU-B')];
      const ok = (relay: Relay) => attemptAt(T0 + 5, 200, null, relay.attempts);
      const refused = (relay: Relay) => attemptAt(T0 + 5, 400, 'HTTP 400', relay.attempts);

      expect(await store.confirmReport(confirmed.id, SETTLED_AT + 1)).toBe(true);
      expect(await store.markDead(confirmed.id, refused(confirmed))).toBe(false);
      expect(await row('SKU-A')).toMatchObject({ status: 'delivered', updatedAt: SETTLED_AT + 1 });

      expect(await store.resendReport(resent.id, SETTLED_AT + 1)).toBe(true);
      expect(await store.markDelivered(resent.id, ok(resent))).toBe(false);
      const [again] = await store.claimDueRelays({
        now: SETTLED_AT + 2,
        limit: 5,
        leaseMs: 60_000,
      });
      expect(again).toMatchObject({ id: resent.id, attempts: resent.attempts + 1 });
      expect(await store.markDelivered(resent.id, ok(resent))).toBe(false);
      expect(await row('SKU-B')).toMatchObject({ status: 'in_flight' });
    });
  });
}
