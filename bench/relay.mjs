import { setTimeout as sleep } from 'node:timers/promises';
import { rssOf, startCollectorProcess } from './lib/processes.mjs';
import { startSandboxServer } from './lib/sandbox.mjs';
import { freshDbPath, PARTNER_KEY, readDb, seedPurchases } from './lib/seed.mjs';

const POLL_MS = 100;
// How long the collector is left alone after the drain before its RSS is read again.
const SETTLE_MS = 3000;

/**
 * Relay: a collector started on a backlog of `size` pending purchases drains it into the
 * sandbox onramp. Rate from the sandbox's first to last receipt; peak RSS of the collector
 * process, and its RSS once it has been idle again for a few seconds; then each seeded
 * customer must have reached the sandbox exactly once.
 */
export async function benchRelay({ sizes, concurrency, timeLimitMs, nodeArgs, cli }) {
  const runs = [];
  for (const size of sizes) {
    const dbPath = freshDbPath();
    const customers = await seedPurchases(dbPath, {
      count: size,
      relayStatus: 'pending',
      prefix: `backlog${size}`,
    });
    const sandbox = await startSandboxServer();
    let peakRss;
    let idleRss;
    let received;
    try {
      const collector = await startCollectorProcess({
        dbPath,
        onrampBaseUrl: sandbox.url,
        partnerKey: PARTNER_KEY,
        env: { CLM_RELAY_CONCURRENCY: String(concurrency) },
        nodeArgs,
        ...(cli && { cli }),
      });
      try {
        const deadline = Date.now() + timeLimitMs;
        while ((await sandbox.stats()).accepted < size) {
          if (Date.now() > deadline) {
            throw new Error(`relay of ${size}: not drained within ${timeLimitMs / 1000} s`);
          }
          await sleep(POLL_MS);
        }
        peakRss = collector.peakRss();
        await sleep(SETTLE_MS);
        idleRss = rssOf(collector.pid);
      } finally {
        await collector.stop();
      }
      received = await sandbox.received();
    } finally {
      await sandbox.close();
    }
    const times = received.map((call) => Date.parse(call.receivedAt));
    const first = times.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
    const last = times.reduce((a, b) => Math.max(a, b), 0);
    const seconds = (last - first) / 1000;
    const bodies = received.map((call) => call.body);
    runs.push({
      size,
      peakRss,
      idleRss,
      seconds,
      rate: seconds > 0 ? (size - 1) / seconds : Number.NaN,
      ...check(size, customers, bodies, readDb(dbPath).relays),
    });
  }
  return { runs, concurrency };
}

function check(size, customers, received, relays) {
  const seen = new Set(received.map((body) => body.customerId));
  const missing = customers.filter((id) => !seen.has(id)).length;
  if (received.length !== size || seen.size !== size || missing > 0) {
    throw new Error(
      `relay of ${size}: sandbox got ${received.length} calls for ${seen.size} customers ` +
        `(${missing} seeded customers missing)`,
    );
  }
  if (relays.delivered !== size) {
    throw new Error(`relay of ${size}: ${relays.delivered ?? 0} rows marked delivered`);
  }
  return { received: received.length, distinct: seen.size };
}
