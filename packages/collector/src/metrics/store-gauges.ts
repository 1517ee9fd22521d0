import { Gauge, type Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import type { AdminStore } from '../store/types.js';

/**
 * Gauges read from the store at scrape time, so they are right after a restart and
 * whichever process changed the rows. A failing store fails the scrape.
 */
export function registerStoreGauges(registry: Registry, store: AdminStore, clock: Clock): void {
  new Gauge({
    name: 'clm_relays_pending',
    help: 'Relays waiting to be delivered (pending or in flight)',
    registers: [registry],
    async collect() {
      const counts = await store.countRelays();
      this.set(counts.pending + counts.in_flight);
    },
  });
  new Gauge({
    name: 'clm_relays_dead',
    help: 'Dead-lettered relays (given up; replay them with the admin tools)',
    registers: [registry],
    async collect() {
      this.set((await store.countRelays()).dead);
    },
  });
  new Gauge({
    name: 'clm_relay_oldest_pending_age_seconds',
    help: 'How long the longest-waiting pending relay has waited; 0 when none is pending',
    registers: [registry],
    async collect() {
      const since = await store.oldestPendingSince();
      this.set(since === null ? 0 : Math.max(0, (clock.now() - since) / 1000));
    },
  });
}
