import { systemClock } from '../clock.js';
import { isKept } from '../store/kept-relays.js';
import type { AdminStore, Relay, UsageStore } from '../store/types.js';
import { loadMoneyInDoubt } from '../usage/in-doubt.js';
import { withAdminStore } from './admin-store.js';
import { type CliIo, EXIT } from './io.js';
import type { StatusReport } from './status-report.js';
import { renderStatus } from './status-text.js';

const NEWEST_DEAD = 10;

async function collect(
  store: AdminStore & UsageStore,
  database: string,
  now: number,
): Promise<StatusReport> {
  const relays = await store.countRelays();
  const events = await store.countEventsByType();
  const since = await store.oldestPendingSince();
  // The dead letters to retry: held reports and superseded starts are counted apart.
  const limit = NEWEST_DEAD + Math.min(relays.kept, 1000);
  const dead = (await store.listRelays({ status: 'dead', limit }))
    .filter((relay) => !isKept(relay))
    .slice(0, NEWEST_DEAD);
  const unconfirmed = await store.listRelays({ status: 'unconfirmed', limit: NEWEST_DEAD });
  const reports = await store.countReports();
  const held = await store.countHeldReports();
  const { calls, ...doubt } = await loadMoneyInDoubt(store);
  return {
    database,
    relays: { ...relays, total: Object.values(relays).reduce((sum, n) => sum + n, 0) },
    events: { visits: events.visit, purchaseBeacons: events.purchase },
    oldestPending:
      since === null
        ? null
        : {
            since: new Date(since).toISOString(),
            ageSeconds: Math.max(0, Math.floor((now - since) / 1000)),
          },
    unconfirmedUsageReports: {
      count: reports.unconfirmed,
      newest: unconfirmed.map((relay: Relay) => ({
        id: relay.id,
        provisioningId: relay.orderId,
        sku: relay.sku,
        period: relay.period,
        lastError: relay.lastError,
        updatedAt: new Date(relay.updatedAt).toISOString(),
      })),
    },
    heldUsageReports: { count: held },
    moneyInDoubt: {
      ...doubt,
      newest: calls
        .slice(-NEWEST_DEAD)
        .reverse()
        .map((call) => ({ ...call, updatedAt: new Date(call.updatedAt).toISOString() })),
    },
    deadLetters: {
      count: relays.dead,
      newest: dead.map((relay: Relay) => ({
        id: relay.id,
        kind: relay.kind,
        serviceName: relay.serviceName,
        customerId: relay.customerId,
        attempts: relay.attempts,
        lastStatus: relay.lastStatus,
        lastError: relay.lastError,
        updatedAt: new Date(relay.updatedAt).toISOString(),
      })),
    },
  };
}

/**
 * `status`: relay and event counts, the oldest waiting relay, unconfirmed usage reports,
 * the money in doubt and the newest dead letters. Exits 3 while money is in doubt, so a
 * monitor running it alerts.
 */
export async function runStatus(options: { json: boolean }, io: CliIo): Promise<number> {
  const now = (io.clock ?? systemClock).now();
  const report = await withAdminStore(io, (store, path) => collect(store, path, now));
  io.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderStatus(report));
  return report.moneyInDoubt.count > 0 ? EXIT.inDoubt : EXIT.ok;
}
