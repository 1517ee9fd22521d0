import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../log.js';
import { startBillingRelay } from '../orders/relay-kinds.js';
import { openSqliteStore } from '../store/sqlite.js';
import { tempDir } from '../test-support/tmp.js';
import { usageReportRelay } from './report-kind.js';

describe('a crash while a usage report is being sent', () => {
  it('leaves the report unconfirmed on restart, while other calls are sent again', async () => {
    const path = join(tempDir(), 'c.sqlite');
    const first = await openSqliteStore({ path, logger: silentLogger });
    const order = (
      await first.createOrder({
        provisioningId: 'p-1',
        productId: 9,
        productSkus: ['SKU-A'],
        customerId: 'c-1',
        providerKey: 'PK-1',
        answer: { customerId: 'c-1' },
        createdAt: 0,
      })
    ).order;
    const bucket = { ...order, sku: 'SKU-A', period: '2026-07', micros: 1_000_000n };
    await first.queueOrderRelays([
      usageReportRelay(bucket, 1),
      startBillingRelay(order, 'SKU-A', 1),
    ]);
    // "sending" is committed before the request leaves...
    const claimed = await first.claimDueRelays({ now: 2, limit: 10, leaseMs: 60_000 });
    expect(claimed.map((r) => [r.kind, r.status])).toEqual([
      ['usage_report', 'in_flight'],
      ['start_billing', 'in_flight'],
    ]);
    // ...and the process dies before the answer is recorded.
    await first.close();

    const second = await openSqliteStore({ path, logger: silentLogger });
    onTestFinished(() => second.close());
    const relays = await second.listRelays();
    expect(relays.map((r) => [r.kind, r.status])).toEqual([
      ['start_billing', 'pending'],
      ['usage_report', 'unconfirmed'],
    ]);
    expect(relays[1]?.lastError).toMatch(/may have received it/);
    // Never claimed again by itself.
    const again = await second.claimDueRelays({
      now: Date.now() + 1000,
      limit: 10,
      leaseMs: 60_000,
    });
    expect(again.map((r) => r.kind)).toEqual(['start_billing']);
  });
});
