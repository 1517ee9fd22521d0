import type { Relay } from '../../store/outbox.js';
import { inBlackout } from './chicago.js';
import type { HistorySystem } from './system.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Whether the worker would take this relay now: due, not a usage report in the blackout,
// not an end while a report or the start of its SKU is still to go, or while a report of
// its SKU is unconfirmed (an operator's resend must reach the marketplace first).
function claimable(relay: Relay, all: readonly Relay[], now: number): boolean {
  if (relay.status !== 'pending' || relay.nextAttemptAt > now) return false;
  if (relay.kind === 'usage_report') return !inBlackout(now);
  if (relay.kind !== 'usage_end') return true;
  return !all.some(
    (r) =>
      (r.kind === 'usage_report' || r.kind === 'start_billing') &&
      r.orderId === relay.orderId &&
      r.sku === relay.sku &&
      (r.status === 'pending' ||
        r.status === 'in_flight' ||
        (r.kind === 'usage_report' && r.status === 'unconfirmed')),
  );
}

/**
 * Lets the relay worker run until nothing it may send now is left, with the clock standing
 * still: retries are due at once (no backoff), so a refused or throttled call is tried again
 * in the same instant. A wire taken down (a `refuse` fault) comes back once a call was refused.
 * Throws when the worker does not get there in `timeoutMs` of real time.
 */
export async function settle(system: HistorySystem, timeoutMs = 10_000) {
  const { collector, clock, wire } = system;
  const deadline = Date.now() + timeoutMs;
  let relays: Relay[];
  collector.worker.notify();
  for (;;) {
    await sleep(5);
    relays = await collector.store.listRelays({ limit: 10_000 });
    if (wire.isDown() && relays.some((r) => r.lastError?.includes('ECONNREFUSED'))) {
      await wire.up();
    }
    const busy = relays.some((r) => r.status === 'in_flight' || claimable(r, relays, clock.now()));
    // A wire still down has refused nothing yet: it stays down for the next call.
    if (!busy) break;
    if (Date.now() > deadline) {
      const stuck = relays.filter((r) => r.status === 'pending' || r.status === 'in_flight');
      throw new Error(
        `the relay worker did not settle: ${JSON.stringify(stuck.map((r) => [r.id, r.kind, r.status, r.lastError]))}`,
      );
    }
  }
  // Stalled calls wait in the sandbox until its mode is set again: the same mode, so a
  // fault not used up yet stays.
  if (wire.pending() > 0) {
    const stats = (await (await fetch(`${system.marketplace}/_sandbox/stats`)).json()) as {
      mode: unknown;
    };
    await fetch(`${system.marketplace}/_sandbox/mode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(stats.mode),
    });
    while (wire.pending() > 0) {
      if (Date.now() > deadline) throw new Error('a call to the marketplace never ended');
      await sleep(5);
    }
  }
  return relays;
}
