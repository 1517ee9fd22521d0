import { faketimeLibrary } from '../support/collector.js';
import { PROVIDER_KEY, SERVICE } from '../support/fixtures.js';
import { TOKENS } from '../support/orders.js';
import { readPgRelays } from '../support/postgres.js';
import { expect, test } from '../support/two-instances.js';
import { countBy } from '../support/usage.js';

// Two collectors on ONE PostgreSQL database, one of them with its wall clock 45 s ahead
// (libfaketime, `FAKETIME=+45s`; its timers stay on the real monotonic clock): far more
// than a relay's 8 s lease. Leases are on the database's clock and renewed while a call
// runs, so the instance ahead takes over no call the other is still making, and when it
// dies mid-call the other delivers its relays within 10 s, though its clock is 45 s behind.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const PER_INSTANCE = 10;
/** Both instances: calls are held by the onramp far longer than a lease. */
const RELAY_ENV = {
  CLM_RELAY_TIMEOUT_MS: '60000',
  CLM_RELAY_POLL_MS: '100',
  CLM_SHUTDOWN_GRACE_MS: '100',
};
const AHEAD = {
  LD_PRELOAD: faketimeLibrary(),
  FAKETIME: '+45s',
  FAKETIME_DONT_FAKE_MONOTONIC: '1',
};

/** A purchase from the provider's backend (`POST /api/purchases`); resolves with the status. */
async function purchase(base: string, customerId: string): Promise<number> {
  const res = await fetch(`${base}/api/purchases`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKENS.api}`, 'content-type': 'application/json' },
    body: JSON.stringify({ customerId, partnerKey: PROVIDER_KEY, serviceName: SERVICE }),
  });
  await res.arrayBuffer();
  return res.status;
}

test('an instance 45 s ahead takes over no live call; when it dies mid-call the other delivers its relays within 10 s', async ({
  launch,
  sandbox,
}) => {
  test.setTimeout(120_000);
  const stalled = async () =>
    ((await (await fetch(`${sandbox.url}/_sandbox/stats`)).json()) as { stalled: number }).stalled;
  await sandbox.mode({ mode: 'stall', endpoint: 'SaasTrackings' });
  const customers = (prefix: string) =>
    Array.from({ length: PER_INSTANCE }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`);

  // The instance on time takes its purchases' relays alone, and holds every one in flight
  // (all its slots: it claims nothing more until they end).
  const onTime = await launch({
    env: { ...RELAY_ENV, CLM_RELAY_CONCURRENCY: String(PER_INSTANCE) },
  });
  for (const customer of customers('on-time'))
    expect(await purchase(onTime.url, customer)).toBe(202);
  await expect.poll(stalled, { timeout: 10_000 }).toBe(PER_INSTANCE);

  // The instance ahead holds its own, and has free slots: it claims every 100 ms.
  const ahead = await launch({
    env: { ...RELAY_ENV, ...AHEAD, CLM_RELAY_CONCURRENCY: String(3 * PER_INSTANCE) },
  });
  const skewMs = (await ahead.clock()) - (await onTime.clock());
  expect(skewMs).toBeGreaterThanOrEqual(44_000);
  for (const customer of customers('ahead')) expect(await purchase(ahead.url, customer)).toBe(202);
  await expect.poll(stalled, { timeout: 10_000 }).toBe(2 * PER_INSTANCE);

  // Three leases long: every call is still with the onramp, and none was sent twice.
  await sleep(3 * 8000);
  expect(await stalled()).toBe(2 * PER_INSTANCE);

  expect(await ahead.kill('SIGKILL')).toBeNull();
  const killedAt = Date.now();
  // The onramp answers again: the calls still held get a 503 and are retried.
  await sandbox.mode({ mode: 'ok' });
  const all = [...customers('on-time'), ...customers('ahead')];
  await expect
    .poll(async () => new Set((await sandbox.received()).map((t) => t.customerId)).size, {
      timeout: 10_000,
      intervals: [100],
    })
    .toBe(all.length);
  const deliveredMs = Date.now() - killedAt;

  const perCustomer = countBy(
    (await sandbox.received()).map((t) => t.customerId),
    (c) => c,
  );
  const relays = await readPgRelays(onTime.dbPath);
  console.log(
    `[lease-takeover] instance ahead by ${(skewMs / 1000).toFixed(1)} s; ${2 * PER_INSTANCE} ` +
      `calls held ${3 * 8} s (3 leases) without a second call; the instance ahead SIGKILLed ` +
      `with ${PER_INSTANCE} in flight, all ${all.length} delivered ${(deliveredMs / 1000).toFixed(1)} s later; ` +
      `attempts ${JSON.stringify(Object.fromEntries(countBy(relays, (r) => String(r.attempts))))}`,
  );
  expect([...perCustomer.keys()].sort()).toEqual([...all].sort());
  expect([...perCustomer.values()]).toEqual(all.map(() => 1));
  expect(deliveredMs).toBeLessThan(10_000);
  await expect
    .poll(async () => countBy(await readPgRelays(onTime.dbPath), (r) => r.status))
    .toEqual(new Map([['delivered', all.length]]));
});
