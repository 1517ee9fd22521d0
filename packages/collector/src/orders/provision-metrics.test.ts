import { describe, expect, it } from 'vitest';
import { CHAIN_TOKENS } from '../test-support/chain.js';
import { provisionBody, startOrdersChain } from '../test-support/orders.js';
import { scrape } from '../test-support/prometheus.js';

describe('provisioning metrics', () => {
  it('counts each outcome and times the calls made to the provider', async () => {
    const chain = await startOrdersChain({
      answer: (_call, index) =>
        index === 1
          ? { status: 400, body: { message: 'no' } }
          : index === 2
            ? { status: 500, body: {} }
            : { status: 200, body: { customerId: `c-${index}` } },
    });
    const body = provisionBody();
    await chain.provision(body); // created
    await chain.provision(body); // repeat
    await chain.provision(provisionBody()); // refused
    await chain.provision(provisionBody()); // failed
    await chain.provision(provisionBody({ productId: 'x' })); // invalid
    await chain.provision(provisionBody(), 'wrong-token-0123456789'); // unauthorized
    const samples = await scrape(chain.url, CHAIN_TOKENS.admin);
    const count = (outcome: string) => samples.get(`clm_provisioning_total{outcome="${outcome}"}`);
    expect(
      ['created', 'repeat', 'refused', 'failed', 'invalid', 'unauthorized'].map(count),
    ).toEqual([1, 1, 1, 1, 1, 1]);
    expect(samples.get('clm_provisioning_duration_seconds_count')).toBe(3);
  });
});
