import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../log.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/types.js';
import { tempDir } from '../test-support/tmp.js';
import { v2OrderRequest } from './order-request.js';
import type { ProvisionRequest } from './provision-request.js';
import { CONFLICT_MESSAGE, createProvisioning } from './provisioning.js';

const REQUEST: ProvisionRequest = {
  provisioningId: 'prov-1',
  productId: 7,
  productSkus: ['SKU-A'],
} as ProvisionRequest;
const RAW = JSON.stringify(REQUEST);
// The database's digest key, as the collector reads it from the store.
const KEY = 'ab'.repeat(32);
const ORDER = v2OrderRequest(REQUEST, RAW, KEY);

/** A provider that answers each call with a new customer after `delayMs`. */
function slowProvider(delayMs: number) {
  const calls: string[] = [];
  const fetch = (async (_url: string, init: RequestInit) => {
    calls.push(String(init.body));
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    return Response.json({ customerId: `acct-${calls.length}` });
  }) as typeof globalThis.fetch;
  return { calls, fetch };
}

async function openStore(): Promise<Store> {
  const store = await openSqliteStore({ path: join(tempDir(), 'c.sqlite'), logger: silentLogger });
  onTestFinished(() => store.close());
  return store;
}

/** One collector's provisioning over `store`. */
const collector = (store: Store, fetch: typeof globalThis.fetch, now: () => number = Date.now) =>
  createProvisioning({
    store,
    clock: { now },
    logger: silentLogger,
    providerKey: 'PK-1',
    digestKey: KEY,
    forward: { url: 'http://provider.invalid/accounts', secret: 's', timeoutMs: 1000, fetch },
    waitPollMs: 10,
  });

describe('provisioning across collectors on one database', () => {
  it('calls the provider once when repeats reach two collectors at once, and answers each the same', async () => {
    const store = await openStore();
    const provider = slowProvider(100);
    const [a, b] = [collector(store, provider.fetch), collector(store, provider.fetch)];
    const answers = await Promise.all([a, b, a, b].map((c) => c.provision(ORDER)));
    expect(answers).toEqual(answers.map(() => ({ status: 200, body: { customerId: 'acct-1' } })));
    expect(provider.calls).toEqual([RAW]);
    expect(await store.getOrder('prov-1')).toMatchObject({ customerId: 'acct-1' });
  });

  it('takes over the claim of a collector that died while forwarding, once it expires', async () => {
    const store = await openStore();
    let now = 1_000_000;
    // A collector claimed the order and never came back.
    expect(
      await store.claimProvisioning({
        requestKey: 'prov-1',
        digest: ORDER.digest,
        owner: 'dead',
        now,
        leaseMs: 500,
      }),
    ).toEqual({ state: 'claimed' });
    const provider = slowProvider(0);
    const answer = collector(store, provider.fetch, () => now).provision(ORDER);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Still within the dead collector's claim: waiting, the provider not called.
    expect(provider.calls).toEqual([]);
    now += 500;
    expect(await answer).toEqual({ status: 200, body: { customerId: 'acct-1' } });
    expect(provider.calls).toEqual([RAW]);
  });

  it('refuses another order under the provisioningId one collector is forwarding, at the other (409)', async () => {
    const store = await openStore();
    const provider = slowProvider(150);
    const [a, b] = [collector(store, provider.fetch), collector(store, provider.fetch)];
    const first = a.provision(ORDER);
    const otherRaw = JSON.stringify({ ...REQUEST, productSkus: ['SKU-B'] });
    const other = v2OrderRequest({ ...REQUEST, productSkus: ['SKU-B'] }, otherRaw, KEY);
    const refused = await b.provision(other);
    expect(refused).toEqual({ status: 409, body: { error: CONFLICT_MESSAGE } });
    expect(await first).toEqual({ status: 200, body: { customerId: 'acct-1' } });
    expect(await b.provision(other)).toMatchObject({ status: 409 });
    expect(provider.calls).toEqual([RAW]);
  });

  it('releases the claim after a failure, so a repeat at the other collector tries again', async () => {
    const store = await openStore();
    const failing = (async () => new Response('down', { status: 503 })) as typeof fetch;
    const first = await collector(store, failing).provision(ORDER);
    expect(first.status).toBe(502);
    const provider = slowProvider(0);
    const again = await collector(store, provider.fetch).provision(ORDER);
    expect(again).toEqual({ status: 200, body: { customerId: 'acct-1' } });
    expect(provider.calls).toEqual([RAW]);
  });
});
