import type { CliIo } from '../cli/io.js';
import { silentLogger } from '../log.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { RelayStatus, Store } from '../store/types.js';
import { purchaseFixture } from './fixtures.js';

/** A relay to seed: its customer and what has become of it. */
export interface SeedRelay {
  customerId: string;
  status: RelayStatus;
  /** Ms since the epoch; default now. */
  createdAt?: number;
  serviceName?: string;
  partnerKey?: string;
  /** The onramp's last answer, for delivered and dead relays. */
  lastStatus?: number | null;
  lastError?: string | null;
  /** When the last attempt ended (delivered_at of a delivered relay); default now. */
  finishedAt?: number;
}

/**
 * Fills the SQLite file at `path` with `visits` visit beacons and `relays` in the given
 * statuses (ids follow the array order, from 1), and resolves with the store still open,
 * standing in for a running collector.
 */
export async function seedDatabase(
  path: string,
  { relays = [], visits = 0 }: { relays?: readonly SeedRelay[]; visits?: number },
): Promise<Store> {
  const now = Date.now();
  const store = await openSqliteStore({ path, logger: silentLogger });
  // Calls made in one turn commit as one transaction, in call order (ids follow `relays`).
  await Promise.all(
    relays.map((seed) => {
      const { event, relay } = purchaseFixture({
        customerId: seed.customerId,
        receivedAt: seed.createdAt ?? now,
        ...(seed.serviceName && { serviceName: seed.serviceName }),
        ...(seed.partnerKey && { partnerKey: seed.partnerKey }),
      });
      return store.recordEvent(event, relay);
    }),
  );
  await Promise.all(
    Array.from({ length: visits }, () =>
      store.recordEvent({ ...purchaseFixture().event, type: 'visit', customerId: null }),
    ),
  );
  const claimed = await store.claimDueRelays({
    now: now + 1,
    limit: relays.length,
    leaseMs: 3_600_000,
  });
  await Promise.all(
    claimed.map((relay) => {
      const seed = relays[relay.id - 1];
      const attempt = {
        at: seed?.finishedAt ?? now,
        status: seed?.lastStatus ?? null,
        body: null,
        error: seed?.lastError ?? null,
      };
      if (seed?.status === 'delivered') return store.markDelivered(relay.id, attempt);
      if (seed?.status === 'dead') return store.markDead(relay.id, attempt);
      if (seed?.status === 'pending') return store.releaseClaims([relay.id]);
      return undefined;
    }),
  );
  return store;
}

/** A CLI io capturing stdout and stderr. */
export function captureIo(env: Record<string, string> = {}) {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    env,
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
  };
  return { io, out };
}
