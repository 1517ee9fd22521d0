import type { Store } from '../store/types.js';
import { closePeriodNow } from '../usage/close.js';
import { readQuantity } from '../usage/decimal.js';
import { createTestOrder, type SeedOutcome, settleRelays } from './seed-orders.js';

/** The billing calendar of the usage tests: Chicago, closing at 14:00 (the defaults). */
export const USAGE_CALENDAR = { zone: 'America/Chicago', closeAt: { hour: 14, minute: 0 } };
/** The usage tests' clock: 2026-07-15 12:00 in Chicago (CDT), July open. */
export const USAGE_NOW = Date.parse('2026-07-15T17:00:00Z');

let seq = 0;

/** Records one usage event of `quantity` in `period` (received at `now`). */
export async function seedUsage(
  store: Store,
  event: { provisioningId: string; sku: string; quantity: number; period: string },
): Promise<void> {
  const at = Date.parse(`${event.period}-15T12:00:00Z`);
  const quantity = readQuantity(String(event.quantity));
  if (!quantity.ok) throw new Error(quantity.error);
  const [result] = await store.recordUsage([
    {
      eventId: `evt-usage-${++seq}`,
      provisioningId: event.provisioningId,
      sku: event.sku,
      micros: quantity.micros,
      occurredAt: at,
      receivedAt: at,
      period: event.period,
    },
  ]);
  if (result?.result !== 'recorded') throw new Error(`usage not recorded: ${result?.result}`);
}

// Each report (`period provisioningId sku`) and what became of it.
const REPORTS: Record<string, SeedOutcome> = {
  '2026-05 ord-a SKU-A': 'late',
  '2026-06 ord-a SKU-A': 'unconfirmed',
  '2026-06 ord-a SKU-B': 'dead',
  '2026-06 ord-b SKU-A': 'delivered',
  '2026-06 ord-c SKU-A': 'pending',
  '2026-06 ord-c SKU-B': 'sending',
};

/**
 * A collector's usage as of {@link USAGE_NOW}: May and June closed, May's report sent late
 * and one of June's in each other state (unconfirmed, failed, sent, pending, sending); July
 * open with 0.1 + 0.2 of ord-a's SKU-A. ord-b's customer id is hostile markup. Resolves
 * with the report ids by `period provisioningId sku`.
 */
export async function seedUsageScenario(store: Store): Promise<Record<string, number>> {
  const at = Date.parse('2026-04-01T00:00:00Z');
  await createTestOrder(store, 'ord-a', ['SKU-A', 'SKU-B'], { at });
  await createTestOrder(store, 'ord-b', ['SKU-A'], { at, customerId: '<script>alert(1)</script>' });
  await createTestOrder(store, 'ord-c', ['SKU-A', 'SKU-B'], { at });
  for (const key of Object.keys(REPORTS)) {
    const [period = '', provisioningId = '', sku = ''] = key.split(' ');
    await seedUsage(store, { provisioningId, sku, quantity: 12.5, period });
  }
  // Closes May too: both are past their close time.
  await closePeriodNow(store, USAGE_CALENDAR, { period: '2026-06', now: USAGE_NOW, early: false });
  await settleRelays(
    store,
    USAGE_NOW,
    (relay) => REPORTS[`${relay.period} ${relay.orderId} ${relay.sku}`] ?? 'pending',
  );
  for (const quantity of [0.1, 0.2])
    await seedUsage(store, { provisioningId: 'ord-a', sku: 'SKU-A', quantity, period: '2026-07' });
  const lines = await store.usageLines();
  return Object.fromEntries(
    lines
      .filter((line) => line.report !== null)
      .map((line) => [`${line.period} ${line.provisioningId} ${line.sku}`, line.report?.id ?? 0]),
  );
}
