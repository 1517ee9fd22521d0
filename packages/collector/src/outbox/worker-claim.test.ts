import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { systemClock } from '../clock.js';
import { silentLogger } from '../log.js';
import { relayKindRegistry } from '../relay-kinds.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { OutboxStore } from '../store/types.js';
import { captureLogger } from '../test-support/chain.js';
import { purchaseFixture } from '../test-support/fixtures.js';
import { waitFor } from '../test-support/http.js';
import { tempDir } from '../test-support/tmp.js';
import { endpointsUnder } from './kind.js';
import type { OnrampClient } from './onramp-client.js';
import { createRelayWorker } from './worker.js';

describe('relay worker outcomes', () => {
  it('records each outcome under the claim it sent with, and says when it no longer held it', async () => {
    const store = await openSqliteStore({
      path: join(tempDir(), 'c.sqlite'),
      logger: silentLogger,
    });
    onTestFinished(() => store.close());
    const { event, relay } = purchaseFixture({ receivedAt: Date.now() });
    await store.recordEvent(event, relay);
    const claims: (number | undefined)[] = [];
    // Another process took the relay over meanwhile: the outcome changes no row.
    const lost: OutboxStore = {
      ...store,
      markDelivered: async (_id, attempt) => {
        claims.push(attempt.claim);
        return false;
      },
    };
    const onramp: OnrampClient = {
      post: async () => ({ type: 'response', ok: true, status: 200, body: '{}', retryAfter: null }),
    };
    const logger = captureLogger();
    const worker = createRelayWorker({
      store: lost,
      kinds: relayKindRegistry(),
      onramp,
      endpoints: endpointsUnder('http://onramp.test'),
      clock: systemClock,
      config: {
        timeoutMs: 1000,
        maxAgeMs: 3_600_000,
        concurrency: 1,
        backoffBaseMs: 5,
        backoffMaxMs: 20,
        pollMs: 10,
        shutdownGraceMs: 100,
      },
      logger,
    });
    onTestFinished(() => worker.stop());
    worker.start();
    const warning = await waitFor(() => logger.lines.find((line) => line.includes('no longer')));
    expect(claims).toEqual([1]);
    expect(warning).toMatch(/^\[relay\] warn: .*saas_tracking #1 .*attempt 1.*no longer/);
  });
});
