import type Database from 'better-sqlite3';
import type { AdminStore, DayStats } from '../admin-reads.js';
import { DAY_MS, emptyDays } from '../day-stats.js';
import type { GroupCommit } from '../group-commit.js';
import { BILLING_IN_DOUBT, NOT_KEPT, WRITABLE_OFF, WRITTEN_OFF_ERROR } from '../kept-relays.js';
import type { RelayStatus } from '../outbox.js';
import { relayCounts } from '../relay-states.js';
import { type RelayRow, toRelay } from './relay-rows.js';
import { prepareSupersedeStarts } from './supersede.js';

/** {@link AdminStore} on SQLite. */
export function sqliteAdminReads(db: Database.Database, group: GroupCommit): AdminStore {
  const count = db.prepare(
    `SELECT CASE WHEN ${NOT_KEPT} THEN status ELSE 'kept' END AS status, COUNT(*) AS n
     FROM relays GROUP BY 1`,
  );
  const list = db.prepare(
    'SELECT * FROM relays WHERE @status IS NULL OR status = @status ORDER BY id DESC LIMIT @limit',
  );
  const page = db.prepare(
    `SELECT * FROM relays WHERE id > @afterId AND (@status IS NULL OR status = @status)
       AND (@ordersOnly = 0 OR order_id IS NOT NULL)
     ORDER BY id LIMIT @limit`,
  );
  const inDoubt = db.prepare(`SELECT * FROM relays WHERE ${BILLING_IN_DOUBT} ORDER BY id`);
  const findOne = db.prepare('SELECT * FROM relays WHERE kind = ? AND dedupe_key = ?');
  const countAll = db.prepare('SELECT COUNT(*) AS n FROM events');
  const countByType = db.prepare('SELECT type, COUNT(*) AS n FROM events GROUP BY type');
  const visitsPerDay = db.prepare(
    `SELECT received_at / ${DAY_MS} AS d, COUNT(*) AS n FROM events
     WHERE type = 'visit' AND received_at >= @since AND received_at < @until GROUP BY d`,
  );
  // The funnel counts purchases: SaasTracking relays, not the order calls beside them.
  const relaysPerDay = db.prepare(
    `SELECT created_at / ${DAY_MS} AS d, COUNT(*) AS purchases,
       SUM(status = 'delivered') AS delivered,
       SUM(status IN ('pending', 'in_flight')) AS pending,
       SUM(status = 'dead') AS dead
     FROM relays WHERE created_at >= @since AND created_at < @until AND kind = 'saas_tracking'
     GROUP BY d`,
  );
  const oldestPending = db.prepare(
    `SELECT MIN(COALESCE(replayed_at, created_at)) AS t FROM relays
     WHERE status IN ('pending', 'in_flight')`,
  );
  const writeOff = db.prepare(
    `UPDATE relays SET last_error = ${WRITTEN_OFF_ERROR}, updated_at = @now
     WHERE id = @id AND ${WRITABLE_OFF}`,
  );
  const replayAll = db.prepare(
    `UPDATE relays SET status = 'pending', next_attempt_at = @now, replayed_at = @now,
       updated_at = @now WHERE status = 'dead' AND ${NOT_KEPT}
       AND (@withoutOrders = 0 OR order_id IS NULL)`,
  );
  const replayOne = db.prepare(
    `UPDATE relays SET status = 'pending', next_attempt_at = @now, replayed_at = @now,
       updated_at = @now WHERE status = 'dead' AND id = @id AND ${NOT_KEPT}`,
  );
  // A dead start whose SKU has since ended is named superseded first, so no replay sends it.
  const supersedeStarts = prepareSupersedeStarts(db);

  return {
    countRelays: () =>
      group.run(() => relayCounts(count.all() as { status: RelayStatus | 'kept'; n: number }[])),
    listRelays: ({ status, limit = 100 } = {}) =>
      group.run(() => (list.all({ status: status ?? null, limit }) as RelayRow[]).map(toRelay)),
    pageRelays: ({ afterId, limit, status, ordersOnly }) =>
      group.run(() =>
        (
          page.all({
            afterId,
            limit,
            status: status ?? null,
            ordersOnly: Number(!!ordersOnly),
          }) as RelayRow[]
        ).map(toRelay),
      ),
    listBillingInDoubt: () => group.run(() => (inDoubt.all() as RelayRow[]).map(toRelay)),
    findRelay: (kind, dedupeKey) =>
      group.run(() => {
        const row = findOne.get(kind, dedupeKey) as RelayRow | undefined;
        return row ? toRelay(row) : null;
      }),
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
        const days = emptyDays(since, until);
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
    writeOff: (id, now) => group.run(() => writeOff.run({ id, now }).changes > 0),
    replayDead: ({ now, ids, withoutOrders = false }) =>
      group.run(() => {
        supersedeStarts(now);
        // The purchases first: an id among them is pending by then, so counted once.
        let replayed =
          ids && !withoutOrders
            ? 0
            : replayAll.run({ now, withoutOrders: Number(withoutOrders) }).changes;
        for (const id of ids ?? []) replayed += replayOne.run({ now, id }).changes;
        return replayed;
      }),
  };
}
