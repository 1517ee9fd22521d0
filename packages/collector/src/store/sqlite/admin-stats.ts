import type Database from 'better-sqlite3';
import type { AdminStore, DayStats } from '../admin-reads.js';
import { DAY_MS, emptyDays } from '../day-stats.js';
import type { GroupCommit } from '../group-commit.js';

/** Counting tracked events and the funnel's days, on SQLite. */
export function sqliteEventStats(
  db: Database.Database,
  group: GroupCommit,
): Pick<AdminStore, 'countEvents' | 'countEventsByType' | 'dailyStats'> {
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

  return {
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
  };
}
