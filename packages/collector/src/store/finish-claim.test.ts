import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../log.js';
import { purchaseFixture } from '../test-support/fixtures.js';
import { tempDir } from '../test-support/tmp.js';
import { openSqliteStore } from './sqlite.js';

const T0 = 1_700_000_001_000;
const ok = { at: T0, status: 200, body: '{}', error: null };

describe('finishing a relay', () => {
  it('changes the row only while it still holds the claim it was sent under', async () => {
    const store = await openSqliteStore({
      path: join(tempDir(), 'c.sqlite'),
      logger: silentLogger,
    });
    onTestFinished(() => store.close());
    const { event, relay } = purchaseFixture();
    await store.recordEvent(event, relay);
    const [first] = await store.claimDueRelays({ now: T0, limit: 1, leaseMs: 1000 });
    // A hung attempt: its lease expires and the relay is claimed again.
    const [second] = await store.claimDueRelays({ now: T0 + 1000, limit: 1, leaseMs: 1000 });
    expect([first?.attempts, second?.attempts]).toEqual([1, 2]);

    // The first attempt's outcome arrives late: it no longer holds the row.
    expect(await store.markDead(first?.id ?? -1, { ...ok, status: 400, claim: 1 })).toBe(false);
    expect(await store.scheduleRetry(first?.id ?? -1, T0, { ...ok, claim: 1 })).toBe(false);
    expect(await store.markDelivered(first?.id ?? -1, { ...ok, claim: 1 })).toBe(false);
    expect((await store.listRelays())[0]).toMatchObject({ status: 'in_flight', attempts: 2 });

    expect(await store.markDelivered(second?.id ?? -1, { ...ok, claim: 2 })).toBe(true);
    expect((await store.listRelays())[0]).toMatchObject({ status: 'delivered' });
  });
});
