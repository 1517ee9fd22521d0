import express from 'express';
import { describe, expect, it } from 'vitest';
import { listen, waitFor } from '../test-support/http.js';
import { provisionBody, startOrdersChain } from '../test-support/orders.js';

const MB = 1024 * 1024;

/**
 * A provider whose 2xx answer is a valid JSON object of `totalBytes`, streamed in 64 KB
 * chunks as the reader takes them: counts what it managed to write and whether the
 * connection was cut before the end.
 */
async function streamingProvider(totalBytes: number) {
  const seen = { written: 0, cut: false, done: false };
  const app = express();
  app.post('/accounts', (_req, res) => {
    res.status(200).type('application/json');
    const head = '{"customerId":"acct-big","padding":"';
    const chunk = 'x'.repeat(64 * 1024);
    res.on('close', () => {
      seen.cut = !res.writableFinished;
      seen.done = true;
    });
    const pump = () => {
      while (seen.written < totalBytes && !res.destroyed) {
        const part = seen.written === 0 ? head : chunk;
        seen.written += part.length;
        if (!res.write(part)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end('"}');
    };
    pump();
  });
  return { url: `${await listen(app)}/accounts`, seen };
}

describe("the provider's answer is read up to 16 KB", () => {
  it('cuts a 24 MB 2xx answer after 16 KB: 502 to the marketplace, a failure recorded, nothing stored', async () => {
    const provider = await streamingProvider(24 * MB);
    const chain = await startOrdersChain({ env: { CLM_PROVISION_FORWARD_URL: provider.url } });
    const body = provisionBody();
    const res = await chain.provision(body);
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({
      error: 'The provider could not complete the order right now. Please try again later.',
    });
    // The connection was cut long before the provider could write it all.
    await waitFor(() => provider.seen.done, { message: "the provider's connection to close" });
    expect(provider.seen.cut).toBe(true);
    expect(provider.seen.written).toBeLessThan(4 * MB);
    expect(await chain.store.getOrder(body.provisioningId)).toBeNull();
    const [failure] = await chain.store.listProvisioningFailures();
    expect(failure).toMatchObject({ outcome: 'failed', status: 200 });
    expect(failure?.message).toMatch(/larger than 16 KB/);
    expect(failure?.message.length).toBeLessThan(4096);
  });

  it('accepts a 2xx answer just under 16 KB whole', async () => {
    const padding = 'y'.repeat(16 * 1024 - 60);
    const chain = await startOrdersChain({
      answer: () => ({ status: 200, body: { customerId: 'acct-1', padding } }),
    });
    const res = await chain.provision(provisionBody());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ customerId: 'acct-1', padding });
  });
});
