// The PostgreSQL bench's relay drain measurement.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { statusKb } from '../machine.mjs';
import { fmt, mb, waitForQuiet, watchCpu } from './cpu.mjs';
import { startCollector, startFastOnramp } from './servers.mjs';
import {
  ADMIN_TOKEN,
  collectorApi,
  MAX_ATTEMPTS,
  MAX_FOREIGN_CORES,
  PARTNER_KEY,
  POOL_SIZE,
  plan,
  RELAY_CONCURRENCY,
  SERVICE,
} from './setup.mjs';
import { freshStore, TARGETS } from './targets.mjs';
import { rotate } from './wrk.mjs';

// ---------------------------------------------------------------------------------------
// Relay drain

/**
 * Queues `count` purchases, each with its pending SaasTracking relay, through the store's
 * own `recordEvent` (as `POST /beacon` does), 200 at a time. Returns the customer ids.
 * @param {string} db
 * @param {number} count
 */
async function seedBacklog(db, count) {
  const store = await collectorApi.openStore({
    db,
    logger: collectorApi.silentLogger,
    poolSize: POOL_SIZE,
  });
  const now = Date.now();
  const purchasedAt = new Date(now).toISOString();
  /** @type {string[]} */
  const customers = [];
  try {
    for (let start = 0; start < count; start += 200) {
      const batch = [];
      for (let i = start; i < Math.min(count, start + 200); i++) {
        const customerId = `drain-${String(i).padStart(6, '0')}`;
        customers.push(customerId);
        const payload = { partnerKey: PARTNER_KEY, serviceName: SERVICE, customerId, purchasedAt };
        batch.push(
          store.recordEvent(
            {
              id: `drain_evt_${String(i).padStart(6, '0')}`,
              type: 'purchase',
              partnerKey: PARTNER_KEY,
              serviceName: SERVICE,
              customerId,
              referral: { id: 'R-bench', at: now - 60_000 },
              clientTime: now,
              receivedAt: now,
            },
            {
              kind: 'saas_tracking',
              // The SaasTracking kind's dedupe key (tracking/saas-tracking.ts).
              dedupeKey: JSON.stringify([PARTNER_KEY, SERVICE, customerId]),
              partnerKey: PARTNER_KEY,
              serviceName: SERVICE,
              customerId,
              orderId: null,
              sku: null,
              period: null,
              payload,
              purchasedAt,
              createdAt: now,
              source: 'beacon',
            },
          ),
        );
      }
      const results = await Promise.all(batch);
      const notQueued = results.filter((result) => !result.relayQueued).length;
      if (notQueued > 0) throw new Error(`seeding: ${notQueued} relays not queued`);
    }
    const counts = await store.countRelays();
    if (counts.pending !== count)
      throw new Error(`seeding: ${counts.pending} pending relays, ${count} wanted`);
  } finally {
    await store.close();
  }
  return customers;
}

/**
 * `clm_relays_pending` from the collector's /metrics.
 * @param {string} url
 */
async function pendingRelays(url) {
  const response = await fetch(`${url}/metrics`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  if (!response.ok) throw new Error(`/metrics answered ${response.status}`);
  const match = /^clm_relays_pending (\d+)/m.exec(await response.text());
  if (!match) throw new Error('no clm_relays_pending in /metrics');
  return Number(match[1]);
}

/**
 * @typedef {object} Drain
 * @property {number} seedSeconds
 * @property {number} receiptSeconds The onramp's first to last call.
 * @property {number} rate (backlog − 1) / receiptSeconds
 * @property {number} untilDrainedSeconds From /healthz answering to 0 pending on /metrics.
 * @property {number} peakRssKb
 * @property {number} idleRssKb
 * @property {number} serverCores
 * @property {number} postgresCores
 * @property {number} foreignCores
 * @property {{ calls: number, distinct: number, missing: number, twice: number, strangers: number, otherCalls: number, relays: Record<string, number> }} check
 */

/**
 * One drain: a fresh store seeded with the backlog, a collector draining it into a fast
 * onramp, then the checks (which throw).
 * @param {Target} target
 * @param {Clusters} clusters
 * @returns {Promise<Drain>}
 */
async function drainOnce(target, clusters) {
  const store = await freshStore(target, clusters, 'relay');
  const seedStarted = performance.now();
  const customers = await seedBacklog(store.db, plan.backlog);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  await store.postgres?.checkpoint();
  await waitForQuiet();
  const onramp = await startFastOnramp();
  /** @type {Omit<Drain, 'check'>} */
  let figures;
  try {
    const collector = await startCollector(store.db, onramp.url, {
      CLM_RELAY_CONCURRENCY: String(RELAY_CONCURRENCY),
    });
    try {
      const ready = performance.now();
      const cpu = watchCpu({
        serverPid: collector.pid,
        ...(store.postgres && { postmaster: store.postgres.postmaster }),
      });
      let peakRssKb = 0;
      let drained = Number.NaN;
      while (Number.isNaN(drained)) {
        peakRssKb = Math.max(peakRssKb, statusKb(collector.pid, 'VmHWM'));
        if (onramp.perCustomer.size >= plan.backlog && (await pendingRelays(collector.url)) === 0)
          drained = performance.now();
        else if (performance.now() - ready > plan.drainLimitMs)
          throw new Error(
            `not drained in ${plan.drainLimitMs / 1000} s: ${onramp.counts.calls} calls received`,
          );
        else await sleep(100);
      }
      const { serverCores, postgresCores, foreignCores } = cpu();
      peakRssKb = Math.max(peakRssKb, statusKb(collector.pid, 'VmHWM'));
      await sleep(plan.idleMs);
      const idleRssKb = statusKb(collector.pid, 'VmRSS');
      const receiptSeconds = (onramp.counts.last - onramp.counts.first) / 1000;
      figures = {
        seedSeconds,
        receiptSeconds,
        rate: (plan.backlog - 1) / receiptSeconds,
        untilDrainedSeconds: (drained - ready) / 1000,
        peakRssKb,
        idleRssKb,
        serverCores,
        postgresCores,
        foreignCores,
      };
    } catch (error) {
      throw new Error(`${/** @type {Error} */ (error).message}\n${collector.output()}`);
    } finally {
      await collector.stop();
    }
  } finally {
    await onramp.close();
  }
  // Exactly once at the onramp, and every row marked delivered.
  const { perCustomer, counts } = onramp;
  const missing = customers.filter((id) => !perCustomer.has(id)).length;
  const twice = [...perCustomer.values()].filter((n) => n > 1).length;
  const strangers = [...perCustomer.keys()].filter((id) => !id.startsWith('drain-')).length;
  const { relays } = await store.read();
  const check = {
    calls: counts.calls,
    distinct: perCustomer.size,
    missing,
    twice,
    strangers,
    otherCalls: counts.other,
    relays,
  };
  console.log(
    `[pg-bench]   ${fmt(figures.rate)} relays/s (${fmt(figures.receiptSeconds, 2)} s first to ` +
      `last call), pending 0 after ${fmt(figures.untilDrainedSeconds, 2)} s; peak RSS ` +
      `${mb(figures.peakRssKb)}, idle ${mb(figures.idleRssKb)}; ${fmt(counts.calls)} calls for ` +
      `${fmt(perCustomer.size)} customers; other load ${fmt(foreignOf(figures), 2)} cores`,
  );
  const problems = [
    counts.calls !== plan.backlog && `${counts.calls} calls for ${plan.backlog} relays`,
    missing > 0 && `${missing} customers never relayed`,
    twice > 0 && `${twice} customers relayed more than once`,
    strangers > 0 && `${strangers} unknown customers relayed`,
    counts.other > 0 && `${counts.other} calls to other endpoints`,
    relays.delivered !== plan.backlog &&
      `${relays.delivered} relays marked delivered (${JSON.stringify(relays)})`,
    Object.entries(relays).some(([status, n]) => status !== 'delivered' && n > 0) &&
      `relays left undelivered: ${JSON.stringify(relays)}`,
  ].filter(Boolean);
  if (problems.length > 0)
    throw new Error(`relay drain on ${target.label}: ${problems.join('; ')}`);
  return { ...figures, check };
}

export const foreignOf = (/** @type {{ foreignCores: number }} */ run) => run.foreignCores;

/**
 * @typedef {object} RelayResult
 * @property {Drain[]} rounds The kept drain of each round.
 * @property {number} retried Drains set aside as disturbed (checked all the same).
 * @property {Drain[]} all Every drain, for the checks.
 */

/**
 * Rounds of drains, the targets' order rotated each round; a drain disturbed by other work
 * is done again on a fresh backlog (up to MAX_ATTEMPTS times, keeping the least disturbed).
 * @param {Clusters} clusters
 * @returns {Promise<Record<Target['id'], RelayResult>>}
 */
export async function benchRelay(clusters) {
  /** @type {Record<string, RelayResult>} */
  const results = Object.fromEntries(
    TARGETS.map((target) => [target.id, { rounds: [], retried: 0, all: [] }]),
  );
  for (let round = 0; round < plan.drainRounds; round++) {
    for (const target of rotate(TARGETS, round)) {
      const result = /** @type {RelayResult} */ (results[target.id]);
      /** @type {Drain[]} */
      const attempts = [];
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        console.log(
          `[pg-bench] relay drain round ${round + 1}, ${target.label}: ${fmt(plan.backlog)} ` +
            `relays${attempt > 1 ? ` (attempt ${attempt}: the last one was disturbed)` : ''}`,
        );
        attempts.push(await drainOnce(target, clusters));
        if (foreignOf(/** @type {Drain} */ (attempts.at(-1))) <= MAX_FOREIGN_CORES) break;
      }
      result.rounds.push(
        attempts.reduce((best, run) => (run.foreignCores < best.foreignCores ? run : best)),
      );
      result.retried += attempts.length - 1;
      result.all.push(...attempts);
    }
  }
  return /** @type {Record<Target['id'], RelayResult>} */ (results);
}
