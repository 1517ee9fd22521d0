import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startChain } from '../test-support/chain.js';
import { waitFor } from '../test-support/http.js';

const customers = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

/** Every customer delivered exactly once: nothing lost, nothing sent twice. */
function expectDeliveredOnce(received: string[], expected: string[]) {
  expect([...received].sort()).toEqual([...expected].sort());
}

/** One line per fault test, for the closing note of the hardening issue. */
function report(name: string, figures: Record<string, number>) {
  console.log(
    `[faults] ${name}: ${Object.entries(figures)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
}

describe('onramp faults, through /beacon, the store and the relay worker', () => {
  it('onramp down (connection refused): retried, then delivered once when it is back', async () => {
    const chain = await startChain();
    await chain.down();
    const list = customers('down', 10);
    const statuses = await chain.purchases(list);
    expect(statuses.every((s) => s === 204)).toBe(true);
    // Every relay has failed at least twice against the closed port.
    await waitFor(async () => {
      const relays = await chain.store.listRelays();
      return relays.length === 10 && relays.every((r) => r.attempts >= 2);
    });
    const refused = (await chain.store.listRelays()).reduce((n, r) => n + r.attempts, 0);
    expect((await chain.store.listRelays())[0]?.lastError).toMatch(/network error/);
    await chain.up();
    const relays = await chain.settled();
    expect(relays.every((r) => r.status === 'delivered')).toBe(true);
    expectDeliveredOnce(await chain.received(), list);
    report('onramp down', { accepted: 10, 'refused calls': refused, relayed: list.length });
  });

  it('onramp slower than the timeout: aborted, retried, delivered once', async () => {
    const chain = await startChain({ timeoutMs: 200 });
    await chain.mode({ mode: 'stall', count: 4 });
    const list = customers('slow', 4);
    expect(await chain.purchases(list)).toEqual([204, 204, 204, 204]);
    const relays = await chain.settled();
    expect(relays.every((r) => r.status === 'delivered' && r.attempts === 2)).toBe(true);
    expectDeliveredOnce(await chain.received(), list);
    const { stalled } = await chain.stats();
    expect(stalled).toBe(4);
    report('onramp slow', { 'timeouts injected': 4, accepted: 4, relayed: 4 });
  });

  it('onramp answering garbage (not HTTP): retried, delivered once', async () => {
    const chain = await startChain();
    await chain.mode({ mode: 'garbage', count: 5 });
    const list = customers('garbage', 5);
    expect(await chain.purchases(list)).toEqual(Array(5).fill(204));
    const relays = await chain.settled();
    expect(relays.every((r) => r.status === 'delivered')).toBe(true);
    expectDeliveredOnce(await chain.received(), list);
    expect(chain.logger.lines.join('\n')).toMatch(/failed: network error/);
    report('onramp garbage', { 'garbage answers': 5, accepted: 5, relayed: 5 });
  });

  it('onramp redirecting: never followed to the other host, dead-lettered with the reason', async () => {
    let followed = 0;
    const other = createServer((_req, res) => {
      followed += 1;
      res.end('{}');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => other.close(() => resolve())));
    const location = `http://127.0.0.1:${(other.address() as AddressInfo).port}/api/SaasTrackings`;

    const chain = await startChain();
    await chain.mode({ mode: 'redirect', status: 307, location });
    const list = customers('redirect', 3);
    expect(await chain.purchases(list)).toEqual([204, 204, 204]);
    const relays = await chain.settled();
    for (const relay of relays) {
      expect(relay).toMatchObject({
        status: 'dead',
        attempts: 1,
        lastStatus: 307,
        lastError: 'HTTP 307: redirects are not followed',
      });
    }
    expect(followed).toBe(0);
    expect(await chain.received()).toEqual([]);
    report('onramp redirect', { redirects: 3, accepted: 3, relayed: 0, 'dead-lettered': 3 });
  });

  it('onramp answering 429 with Retry-After: waits at least that long, delivered once', async () => {
    const chain = await startChain({ backoffMaxMs: 5000 });
    await chain.mode({ mode: 'fail', status: 429, retryAfter: 1, count: 2 });
    const list = customers('busy', 2);
    const sent = Date.now();
    expect(await chain.purchases(list)).toEqual([204, 204]);
    const relays = await chain.settled();
    for (const relay of relays) {
      expect(relay).toMatchObject({ status: 'delivered', attempts: 2 });
      expect(relay.deliveredAt ?? 0).toBeGreaterThanOrEqual(sent + 1000);
    }
    expectDeliveredOnce(await chain.received(), list);
    report('onramp 429', { '429 answers': 2, accepted: 2, relayed: 2 });
  });

  it('onramp answering 400 with a message: dead-lettered at once, message kept', async () => {
    const chain = await startChain();
    await chain.mode({ mode: 'reject', count: 2 });
    const list = customers('rejected', 2);
    expect(await chain.purchases(list)).toEqual([204, 204]);
    const relays = await chain.settled();
    for (const relay of relays) {
      expect(relay).toMatchObject({
        status: 'dead',
        attempts: 1,
        lastStatus: 400,
        lastBody: '{"error":"sandbox reject mode: tracking refused"}',
        lastError: 'HTTP 400: rejected by the onramp',
      });
    }
    expect(await chain.received()).toEqual([]);
    report('onramp 400', { '400 answers': 2, accepted: 2, relayed: 0, 'dead-lettered': 2 });
  });
});
