import { describe, expect, it } from 'vitest';
import { CHAIN_TOKENS, startChain } from '../test-support/chain.js';

describe('POST /api/purchases through the relay worker', () => {
  it('reaches the onramp once, with the backend purchase time, deduped with beacons', async () => {
    const chain = await startChain();
    const post = (body: unknown) =>
      fetch(`${chain.url}/api/purchases`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${CHAIN_TOKENS.api}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
    const purchasedAt = new Date(Date.now() - 3_600_000).toISOString();
    const queued = await post({ customerId: 'api-1', purchasedAt, referral: { id: 'R-1' } });
    expect(queued.status).toBe(202);
    // The pixel reports the same customer too: still one relay.
    expect(await chain.purchases(['api-1'])).toEqual([204]);
    expect((await post({ customerId: 'api-1' })).status).toBe(200);

    const [relay] = await chain.settled();
    expect(relay).toMatchObject({ status: 'delivered', customerId: 'api-1' });
    const calls = (await (await fetch(`${chain.onramp}/_sandbox/received`)).json()) as {
      body: unknown;
    }[];
    expect(calls.map((call) => call.body)).toEqual([
      { partnerKey: 'PK-1', serviceName: 'acme-crm', customerId: 'api-1', purchasedAt },
    ]);
    expect(chain.logger.lines.join('\n')).not.toContain('api-1');
  });
});
