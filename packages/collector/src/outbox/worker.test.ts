import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { systemClock } from '../clock.js';
import type { RelayConfig } from '../config.js';
import { silentLogger } from '../log.js';
import { relayKindRegistry } from '../relay-kinds.js';
import { createSandboxApp } from '../sandbox/app.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/types.js';
import { purchaseFixture } from '../test-support/fixtures.js';
import { listen, postJson, waitFor } from '../test-support/http.js';
import { tempDir } from '../test-support/tmp.js';
import { endpointsUnder as endpointsOf } from './kind.js';
import { createOnrampClient, type OnrampClient, type OnrampResult } from './onramp-client.js';
import { createRelayWorker } from './worker.js';

const relayConfig: RelayConfig = {
  timeoutMs: 2000,
  maxAgeMs: 3_600_000,
  concurrency: 4,
  backoffBaseMs: 5,
  backoffMaxMs: 20,
  pollMs: 10,
  shutdownGraceMs: 1000,
};

async function setup(config: Partial<RelayConfig> = {}, onramp?: OnrampClient) {
  const sandboxUrl = await listen(createSandboxApp());
  const path = join(tempDir(), 'c.sqlite');
  const store = await openSqliteStore({ path, logger: silentLogger });
  onTestFinished(() => store.close());
  const full = { ...relayConfig, ...config };
  const client = onramp ?? createOnrampClient({ timeoutMs: full.timeoutMs });
  const startWorker = (s: Store = store) => {
    const worker = createRelayWorker({
      store: s,
      kinds: relayKindRegistry(),
      onramp: client,
      endpoints: endpointsOf(sandboxUrl),
      clock: systemClock,
      config: full,
      logger: silentLogger,
    });
    onTestFinished(() => worker.stop());
    worker.start();
    return worker;
  };
  return {
    store,
    path,
    startWorker,
    queue: async (customerId = 'cust-1') => {
      const { event, relay } = purchaseFixture({ customerId, receivedAt: Date.now() });
      await store.recordEvent(event, relay);
      return relay;
    },
    mode: (body: unknown) => postJson(`${sandboxUrl}/_sandbox/mode`, body),
    received: async () =>
      (await (await fetch(`${sandboxUrl}/_sandbox/received`)).json()) as { body: object }[],
    stats: async () =>
      (await (await fetch(`${sandboxUrl}/_sandbox/stats`)).json()) as Record<string, number>,
    relays: () => store.listRelays(),
  };
}

const statusIs = (store: Store, status: string) => async () => {
  const [relay] = await store.listRelays();
  return relay?.status === status ? relay : undefined;
};

describe('relay worker against the sandbox onramp', () => {
  it('delivers exactly the four fields, once', async () => {
    const t = await setup();
    const relay = await t.queue();
    const worker = t.startWorker();
    const delivered = await waitFor(statusIs(t.store, 'delivered'), { message: 'delivery' });
    expect(delivered).toMatchObject({
      attempts: 1,
      lastStatus: 200,
      lastBody: '{"id":1}',
      lastError: null,
    });
    worker.notify();
    await worker.stop();
    const received = await t.received();
    expect(received).toHaveLength(1);
    expect(received[0]?.body).toEqual(relay.payload);
    expect(Object.keys(received[0]?.body ?? {})).toEqual([
      'partnerKey',
      'serviceName',
      'customerId',
      'purchasedAt',
    ]);
  });

  it('retries 503 until the onramp recovers, then delivers once', async () => {
    const t = await setup();
    await t.mode({ mode: 'fail', status: 503, count: 3 });
    await t.queue();
    t.startWorker();
    const delivered = await waitFor(statusIs(t.store, 'delivered'), { message: 'delivery' });
    expect(delivered.attempts).toBe(4);
    expect(await t.received()).toHaveLength(1);
    expect(await t.stats()).toMatchObject({ failed: 3, accepted: 1 });
  });

  it('dead-letters a 400 at once, keeping status and body', async () => {
    const t = await setup();
    await t.mode({ mode: 'reject' });
    await t.queue();
    t.startWorker();
    const dead = await waitFor(statusIs(t.store, 'dead'), { message: 'dead-letter' });
    expect(dead).toMatchObject({
      attempts: 1,
      lastStatus: 400,
      lastBody: '{"error":"sandbox reject mode: tracking refused"}',
      lastError: 'HTTP 400: rejected by the onramp',
    });
    expect(await t.received()).toEqual([]);
  });

  it('retries after a timeout', async () => {
    const t = await setup({ timeoutMs: 100 });
    await t.mode({ mode: 'stall', count: 1 });
    await t.queue();
    t.startWorker();
    const delivered = await waitFor(statusIs(t.store, 'delivered'), { message: 'delivery' });
    expect(delivered.attempts).toBe(2);
    expect(await t.stats()).toMatchObject({ stalled: 1, accepted: 1 });
  });

  it('dead-letters once the relay is older than the max age', async () => {
    const t = await setup({ maxAgeMs: 1 });
    await t.mode({ mode: 'fail' });
    await t.queue();
    t.startWorker();
    const dead = await waitFor(statusIs(t.store, 'dead'), { message: 'dead-letter' });
    expect(dead.lastError).toMatch(
      /^gave up after (1 attempt|([2-9]|\d{2,}) attempts); last: HTTP 503$/,
    );
  });

  it('gives a replayed dead letter a fresh retry window', async () => {
    const t = await setup({ maxAgeMs: 60_000 });
    // Queued two hours ago: long past the window, and dead-lettered for it.
    const { event, relay } = purchaseFixture({ receivedAt: Date.now() - 7_200_000 });
    await t.store.recordEvent(event, relay);
    await t.mode({ mode: 'fail', status: 503, count: 2 });
    const [claimed] = await t.store.claimDueRelays({ now: Date.now(), limit: 1, leaseMs: 1000 });
    await t.store.markDead(claimed?.id ?? -1, {
      at: Date.now(),
      status: 503,
      body: null,
      error: 'x',
    });
    expect(await t.store.replayDead({ now: Date.now() })).toBe(1);
    t.startWorker();
    // Two more 503s are retried (not dead-lettered by the relay's age), then it is delivered.
    const delivered = await waitFor(statusIs(t.store, 'delivered'), { message: 'delivery' });
    expect(delivered.attempts).toBe(4);
    expect(await t.stats()).toMatchObject({ failed: 2, accepted: 1 });
  });

  it('wakes on notify() instead of waiting for the next poll', async () => {
    const t = await setup({ pollMs: 60_000 });
    const worker = t.startWorker();
    await t.queue();
    worker.notify();
    await waitFor(statusIs(t.store, 'delivered'), {
      timeoutMs: 2000,
      message: 'delivery after notify',
    });
  });

  it('never runs more calls at once than the concurrency bound', async () => {
    let active = 0;
    let peak = 0;
    const onramp: OnrampClient = {
      post: async () => {
        peak = Math.max(peak, ++active);
        await new Promise((resolve) => setImmediate(resolve));
        active--;
        return { type: 'response', ok: true, status: 200, body: '{}', retryAfter: null };
      },
    };
    const t = await setup({ concurrency: 2 }, onramp);
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) await t.queue(id);
    t.startWorker();
    await waitFor(async () => (await t.store.countRelays()).delivered === 6, {
      message: 'all delivered',
    });
    expect(peak).toBe(2);
  });
});

describe('relay worker stop()', () => {
  function controlledOnramp() {
    const calls: { resolve: (result: OnrampResult) => void; signal: AbortSignal | undefined }[] =
      [];
    const onramp: OnrampClient = {
      post: (_url, _body, options) =>
        new Promise<OnrampResult>((resolve) => {
          calls.push({ resolve, signal: options?.signal });
          options?.signal?.addEventListener('abort', () =>
            resolve({
              type: 'network-error',
              ok: false,
              error: 'aborted',
              timedOut: false,
              notSent: false,
            }),
          );
        }),
    };
    return { onramp, calls };
  }

  it('waits for a call in progress and records its outcome', async () => {
    const { onramp, calls } = controlledOnramp();
    const t = await setup({ shutdownGraceMs: 10_000 }, onramp);
    await t.queue();
    const worker = t.startWorker();
    await waitFor(() => calls.length === 1, { message: 'the call' });
    let stopped = false;
    const stopping = worker.stop().then(() => {
      stopped = true;
    });
    await t.queue('cust-2');
    worker.notify();
    expect(stopped).toBe(false);
    calls[0]?.resolve({ type: 'response', ok: true, status: 200, body: '{}', retryAfter: null });
    await stopping;
    expect(calls).toHaveLength(1);
    expect(await t.store.countRelays()).toEqual({
      pending: 1,
      in_flight: 0,
      delivered: 1,
      dead: 0,
      unconfirmed: 0,
      kept: 0,
    });
  });

  it('after the grace period aborts the call and returns the relay to pending', async () => {
    const t = await setup({ shutdownGraceMs: 50 });
    await t.mode({ mode: 'stall' });
    await t.queue();
    const worker = t.startWorker();
    await waitFor(async () => (await t.stats()).stalled === 1, { message: 'the stalled call' });
    await worker.stop();
    const [relay] = await t.relays();
    expect(relay).toMatchObject({ status: 'pending', attempts: 1, leaseUntil: null });

    // A restart resumes it.
    await t.mode({ mode: 'ok' });
    t.startWorker();
    const delivered = await waitFor(statusIs(t.store, 'delivered'), {
      message: 'delivery after restart',
    });
    expect(delivered.attempts).toBe(2);
    expect(await t.received()).toHaveLength(1);
  });

  it('keeps a claim in flight on disk for a restart, and no second collector can start', async () => {
    const { onramp, calls } = controlledOnramp();
    const t = await setup({}, onramp);
    await t.queue();
    t.startWorker();
    await waitFor(() => calls.length === 1, { message: 'the call' });
    // What a restart would find if the process died now (it returns such rows to pending:
    // see store/sqlite.test.ts and the SIGKILL e2e tests).
    const disk = await openSqliteStore({
      path: t.path,
      logger: silentLogger,
      releaseInterrupted: false,
    });
    onTestFinished(() => disk.close());
    expect(await disk.countRelays()).toMatchObject({ pending: 0, in_flight: 1 });
    // A second collector would return that claim to pending and send it again: refused.
    await expect(openSqliteStore({ path: t.path, logger: silentLogger })).rejects.toThrow(
      /another collector is already serving/,
    );
    expect(await disk.countRelays()).toMatchObject({ pending: 0, in_flight: 1 });
  });
});
