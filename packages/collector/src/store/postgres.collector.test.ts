import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postBeacon } from '../test-support/beacons.js';
import { startChain } from '../test-support/chain.js';
import { waitFor } from '../test-support/http.js';
import {
  createTestDatabase,
  type TestDatabase,
} from '../test-support/store-contract/postgres-database.js';

let database: TestDatabase | undefined;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/** Posts a purchase beacon of `customerId` to the collector at `url`; resolves with the status. */
async function purchase(url: string, id: string, customerId: string): Promise<number> {
  const res = await postBeacon(url, { id, customerId, time: Date.now() });
  return res.status;
}

describe('two collectors on one PostgreSQL database', () => {
  it('relay every purchase either one accepted, exactly once', async () => {
    const url = database?.url ?? '';
    // A call that outlives its timeout is sent again by design (a SaasTracking is retried
    // on a timeout): a loaded machine must not make the test's 300 ms timeout send twice.
    const relay = { timeoutMs: 10_000 };
    const first = await startChain(relay, { CLM_DB: url, CLM_DB_POOL_SIZE: '3' });
    const second = await startChain(relay, { CLM_DB: url, ONRAMP_BASE_URL: first.onramp });
    const customers = Array.from({ length: 40 }, (_, i) => `cust-${i}`);
    // Each customer's purchase reaches both collectors at once: the database keeps one relay.
    const statuses = await Promise.all(
      customers.flatMap((customerId, i) => [
        purchase(first.url, `evt_first_${String(i).padStart(6, '0')}`, customerId),
        purchase(second.url, `evt_second_${String(i).padStart(6, '0')}`, customerId),
      ]),
    );
    expect(statuses.every((status) => status === 204)).toBe(true);
    await waitFor(async () => (await first.store.countRelays()).delivered === customers.length, {
      timeoutMs: 10_000,
    });
    expect((await first.received()).sort()).toEqual([...customers].sort());
    expect(await second.store.countRelays()).toMatchObject({
      pending: 0,
      in_flight: 0,
      delivered: customers.length,
    });
    expect(await second.store.countEvents()).toBe(2 * customers.length);
  }, 30_000);
});
