import { describe, expect, it, onTestFinished } from 'vitest';
import type { Clock } from '../clock.js';
import { silentLogger } from '../log.js';
import { v2OrderRequest } from '../orders/order-request.js';
import type { ProvisionRequest } from '../orders/provision-request.js';
import { createProvisioning } from '../orders/provisioning.js';
import { databasePerFile } from '../test-support/store-contract/postgres-database.js';
import { openPostgresStore } from './postgres.js';

const databaseUrl = databasePerFile();

const SKEW_MS = 45_000;
const REQUEST: ProvisionRequest = {
  provisioningId: 'prov-skew',
  productId: 7,
  productSkus: ['SKU-A'],
};
const RAW = JSON.stringify(REQUEST);
const KEY = 'cd'.repeat(32);
const ORDER = v2OrderRequest(REQUEST, RAW, KEY);

async function collectorAt(clock: Clock, fetch: typeof globalThis.fetch) {
  const store = await openPostgresStore({ url: databaseUrl(), logger: silentLogger, clock });
  onTestFinished(() => store.close());
  // A 30 s forward timeout: a 40 s claim, shorter than the skew between the two clocks.
  const forward = {
    url: 'http://provider.invalid/accounts',
    secret: 's',
    timeoutMs: 30_000,
    fetch,
  };
  return createProvisioning({
    store,
    clock,
    logger: silentLogger,
    providerKey: 'PK-1',
    digestKey: KEY,
    forward,
    waitPollMs: 10,
  });
}

describe('PostgreSQL provisioning claims on the database clock', () => {
  it('does not let an instance whose clock is 45 s ahead take over a live claim', async () => {
    const calls: string[] = [];
    let answerFirst: (() => void) | undefined;
    const fetch = (async (_url: string, init: RequestInit) => {
      calls.push(String(init.body));
      // The first call stays with the provider until released.
      if (calls.length === 1) await new Promise<void>((resolve) => (answerFirst = resolve));
      return Response.json({ customerId: `acct-${calls.length}` });
    }) as typeof globalThis.fetch;
    const onTime = await collectorAt({ now: () => Date.now() }, fetch);
    const ahead = await collectorAt({ now: () => Date.now() + SKEW_MS }, fetch);
    const first = onTime.provision(ORDER);
    while (!answerFirst) await new Promise((resolve) => setTimeout(resolve, 5));
    const repeat = ahead.provision(ORDER);
    // Long enough for the instance ahead to claim and call the provider, were it to.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(calls).toEqual([RAW]);
    answerFirst();
    const expected = { status: 200, body: { customerId: 'acct-1' } };
    expect(await first).toEqual(expected);
    expect(await repeat).toEqual(expected);
    expect(calls).toEqual([RAW]);
  });
});
