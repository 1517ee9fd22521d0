import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { type Clock, systemClock } from '../clock.js';
import type { Logger } from '../log.js';
import { createGroupCommit } from './group-commit.js';
import { migrations } from './migrations.js';
import type {
  AttemptRecord,
  DayStats,
  NewEvent,
  NewRelay,
  Relay,
  RelayStatus,
  Store,
} from './types.js';
import { takeWriterLock } from './writer-lock.js';

interface RelayRow {
  id: number;
  kind: string;
  partner_key: string;
  service_name: string;
  customer_id: string;
  payload: string;
  purchased_at: string;
  status: string;
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  last_error: string | null;
  last_status: number | null;
  last_body: string | null;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
  replayed_at: number | null;
}

const toRelay = (row: RelayRow): Relay => ({
  id: row.id,
  kind: row.kind as Relay['kind'],
  partnerKey: row.partner_key,
  serviceName: row.service_name,
  customerId: row.customer_id,
  payload: JSON.parse(row.payload),
  purchasedAt: row.purchased_at,
  status: row.status as RelayStatus,
  attempts: row.attempts,
  nextAttemptAt: row.next_attempt_at,
  leaseUntil: row.lease_until,
  lastError: row.last_error,
  lastStatus: row.last_status,
  lastBody: row.last_body,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  deliveredAt: row.delivered_at,
  replayedAt: row.replayed_at,
});

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

// SQLite's own messages ("unable to open database file") name neither the file nor the
// likely cause, typically a Docker volume the service user cannot write.
function openFile(path: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(path);
    // WAL + FULL: a commit is on disk when the beacon's 2xx goes out, and readers never block.
    db.pragma('journal_mode = WAL');
    return db;
  } catch (error) {
    db?.close();
    const code = (error as { code?: string }).code;
    const uid = process.getuid?.();
    const hint =
      code === 'SQLITE_CANTOPEN' && uid !== undefined
        ? `; it must be a file that uid ${uid} can read and write, in a directory it can write`
        : '';
    throw new Error(
      `cannot open the database ${path} (CLM_DB): ${(error as Error).message}${hint}`,
      { cause: error },
    );
  }
}

function migrate(db: Database.Database, logger: Logger): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let version = current; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version] as string);
      db.pragma(`user_version = ${version + 1}`);
    })();
    logger.info('store', `migrated schema to version ${version + 1}`);
  }
}

/**
 * Opens (creating the file, its directory and the schema if needed) the SQLite store.
 * Relays left in_flight by a previous process are returned to pending: that process can
 * no longer be sending them, which the writer lock guarantees (a second collector on the
 * file is refused with a {@link DatabaseInUseError}). Admin tools that open the file beside
 * a running collector pass `releaseInterrupted: false`: no lock, and in-flight relays are
 * left to the collector sending them.
 */
export async function openSqliteStore(options: {
  path: string;
  logger: Logger;
  clock?: Clock;
  /** Return in_flight relays to pending on open. Default true (a restarting collector). */
  releaseInterrupted?: boolean;
}): Promise<Store> {
  const { path, logger, clock = systemClock, releaseInterrupted = true } = options;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const lock = releaseInterrupted && path !== ':memory:' ? takeWriterLock(path) : null;
  let db: Database.Database | undefined;
  try {
    db = openFile(path);
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    migrate(db, logger);
  } catch (error) {
    db?.close();
    lock?.release();
    throw error;
  }

  if (releaseInterrupted) {
    const released = db
      .prepare(
        `UPDATE relays SET status = 'pending', lease_until = NULL, next_attempt_at = @now, updated_at = @now
         WHERE status = 'in_flight'`,
      )
      .run({ now: clock.now() }).changes;
    if (released > 0) logger.warn('store', `returned ${released} interrupted relay(s) to pending`);
  }

  const insertEvent = db.prepare(
    `INSERT INTO events (id, type, partner_key, service_name, customer_id, referral, client_time, received_at)
     VALUES (@id, @type, @partnerKey, @serviceName, @customerId, @referral, @clientTime, @receivedAt)
     ON CONFLICT (id) DO NOTHING`,
  );
  const insertRelay = db.prepare(
    `INSERT INTO relays (kind, partner_key, service_name, customer_id, payload, purchased_at,
       next_attempt_at, created_at, updated_at)
     VALUES (@kind, @partnerKey, @serviceName, @customerId, @payload, @purchasedAt,
       @createdAt, @createdAt, @createdAt)
     ON CONFLICT (kind, partner_key, service_name, customer_id) DO NOTHING`,
  );
  const findRelay = db.prepare(
    `SELECT id, status, purchased_at FROM relays
     WHERE kind = @kind AND partner_key = @partnerKey AND service_name = @serviceName
       AND customer_id = @customerId`,
  );
  const record = (event: NewEvent, relay: NewRelay | undefined) => {
    const added = insertEvent.run({
      ...event,
      referral: event.referral && JSON.stringify(event.referral),
    });
    if (added.changes === 0) return { duplicate: true, relayQueued: false };
    if (!relay) return { duplicate: false, relayQueued: false };
    const queued = insertRelay.run({ ...relay, payload: JSON.stringify(relay.payload) });
    if (queued.changes > 0) {
      const id = Number(queued.lastInsertRowid);
      return {
        duplicate: false,
        relayQueued: true,
        relay: { id, status: 'pending' as const, purchasedAt: relay.purchasedAt },
      };
    }
    const existing = findRelay.get(relay) as Pick<RelayRow, 'id' | 'status' | 'purchased_at'>;
    return {
      duplicate: false,
      relayQueued: false,
      relay: {
        id: existing.id,
        status: existing.status as RelayStatus,
        purchasedAt: existing.purchased_at,
      },
    };
  };
  // Each branch walks relays_due in order and stops at @limit, so a claim costs the same
  // with 100 or 100,000 due rows (an OR over both would read and sort every due row).
  const claim = db.prepare(
    `UPDATE relays SET status = 'in_flight', attempts = attempts + 1, lease_until = @leaseUntil,
       updated_at = @now
     WHERE id IN (
       SELECT id FROM (
         SELECT id, next_attempt_at FROM (
           SELECT id, next_attempt_at FROM relays
           WHERE status = 'pending' AND next_attempt_at <= @now
           ORDER BY next_attempt_at, id LIMIT @limit)
         UNION ALL
         SELECT id, next_attempt_at FROM (
           SELECT id, next_attempt_at FROM relays
           WHERE status = 'in_flight' AND lease_until <= @now
           ORDER BY next_attempt_at, id LIMIT @limit))
       ORDER BY next_attempt_at, id LIMIT @limit)
     RETURNING *`,
  );
  const finish = (status: RelayStatus, extra = '') =>
    db.prepare(
      `UPDATE relays SET status = '${status}', lease_until = NULL, last_status = @status,
         last_body = @body, last_error = @error, updated_at = @at ${extra}
       WHERE id = @id AND status = 'in_flight'`,
    );
  const delivered = finish('delivered', ', delivered_at = @at');
  const retry = finish('pending', ', next_attempt_at = @next');
  const dead = finish('dead');
  const release = db.prepare(
    `UPDATE relays SET status = 'pending', lease_until = NULL, next_attempt_at = @now, updated_at = @now
     WHERE id = @id AND status = 'in_flight'`,
  );
  const count = db.prepare('SELECT status, COUNT(*) AS n FROM relays GROUP BY status');
  const list = db.prepare(
    'SELECT * FROM relays WHERE @status IS NULL OR status = @status ORDER BY id DESC LIMIT @limit',
  );
  const page = db.prepare(
    `SELECT * FROM relays WHERE id > @afterId AND (@status IS NULL OR status = @status)
     ORDER BY id LIMIT @limit`,
  );
  const countAll = db.prepare('SELECT COUNT(*) AS n FROM events');
  const countByType = db.prepare('SELECT type, COUNT(*) AS n FROM events GROUP BY type');
  const visitsPerDay = db.prepare(
    `SELECT received_at / ${DAY_MS} AS d, COUNT(*) AS n FROM events
     WHERE type = 'visit' AND received_at >= @since AND received_at < @until GROUP BY d`,
  );
  const relaysPerDay = db.prepare(
    `SELECT created_at / ${DAY_MS} AS d, COUNT(*) AS purchases,
       SUM(status = 'delivered') AS delivered,
       SUM(status IN ('pending', 'in_flight')) AS pending,
       SUM(status = 'dead') AS dead
     FROM relays WHERE created_at >= @since AND created_at < @until GROUP BY d`,
  );
  const oldestPending = db.prepare(
    `SELECT MIN(COALESCE(replayed_at, created_at)) AS t FROM relays
     WHERE status IN ('pending', 'in_flight')`,
  );
  const replayAll = db.prepare(
    `UPDATE relays SET status = 'pending', next_attempt_at = @now, replayed_at = @now,
       updated_at = @now WHERE status = 'dead'`,
  );
  const replayOne = db.prepare(
    `UPDATE relays SET status = 'pending', next_attempt_at = @now, replayed_at = @now,
       updated_at = @now WHERE status = 'dead' AND id = @id`,
  );
  const select1 = db.prepare('SELECT 1');
  // Every call goes through the group commit, so calls take effect in the order made.
  const group = createGroupCommit(db);

  return {
    recordEvent: (event, relay) => group.run(() => record(event, relay)),
    claimDueRelays: ({ now, limit, leaseMs }) =>
      group.run(() => {
        const rows = claim.all({ now, limit, leaseUntil: now + leaseMs }) as RelayRow[];
        return rows.map(toRelay).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id);
      }),
    markDelivered: (id, attempt) => group.run(() => void delivered.run({ id, ...attempt })),
    scheduleRetry: (id, nextAttemptAt, attempt) =>
      group.run(() => void retry.run({ id, next: nextAttemptAt, ...attempt })),
    markDead: (id, attempt: AttemptRecord) => group.run(() => void dead.run({ id, ...attempt })),
    releaseClaims: (ids) =>
      group.run(() => {
        const now = clock.now();
        for (const id of ids) release.run({ id, now });
      }),
    countRelays: () =>
      group.run(() => {
        const counts: Record<RelayStatus, number> = {
          pending: 0,
          in_flight: 0,
          delivered: 0,
          dead: 0,
        };
        for (const row of count.all() as { status: RelayStatus; n: number }[]) {
          counts[row.status] = row.n;
        }
        return counts;
      }),
    listRelays: ({ status, limit = 100 } = {}) =>
      group.run(() => (list.all({ status: status ?? null, limit }) as RelayRow[]).map(toRelay)),
    pageRelays: ({ afterId, limit, status }) =>
      group.run(() =>
        (page.all({ afterId, limit, status: status ?? null }) as RelayRow[]).map(toRelay),
      ),
    countEvents: () => group.run(() => (countAll.get() as { n: number }).n),
    countEventsByType: () =>
      group.run(() => {
        const counts = { visit: 0, purchase: 0 };
        for (const row of countByType.all() as { type: 'visit' | 'purchase'; n: number }[]) {
          counts[row.type] = row.n;
        }
        return counts;
      }),
    dailyStats: ({ since, until }) =>
      group.run(() => {
        const days = new Map<number, DayStats>();
        for (let t = Math.floor(since / DAY_MS) * DAY_MS; t < until; t += DAY_MS) {
          const day = {
            day: isoDay(t),
            visits: 0,
            purchases: 0,
            delivered: 0,
            pending: 0,
            dead: 0,
          };
          days.set(t / DAY_MS, day);
        }
        for (const row of visitsPerDay.all({ since, until }) as { d: number; n: number }[]) {
          const day = days.get(row.d);
          if (day) day.visits = row.n;
        }
        type Row = Omit<DayStats, 'day' | 'visits'> & { d: number };
        for (const { d, ...counts } of relaysPerDay.all({ since, until }) as Row[]) {
          const day = days.get(d);
          if (day) Object.assign(day, counts);
        }
        return [...days.values()];
      }),
    oldestPendingSince: () => group.run(() => (oldestPending.get() as { t: number | null }).t),
    replayDead: ({ now, ids }) =>
      group.run(() => {
        if (!ids) return replayAll.run({ now }).changes;
        let replayed = 0;
        for (const id of ids) replayed += replayOne.run({ now, id }).changes;
        return replayed;
      }),
    ping: () => group.run(() => void select1.get()),
    async close() {
      if (!db.open) return;
      group.flush();
      db.close();
      lock?.release();
    },
  };
}
