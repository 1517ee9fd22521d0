import type Database from 'better-sqlite3';
import type { GroupCommit } from '../group-commit.js';
import type { UsageStore } from '../usage.js';
import { prepareQueueRelay } from './relay-rows.js';
import { type BucketRow, toBucket } from './usage-buckets.js';
import { SLICED_SUM } from './usage-sums.js';

/**
 * Closing usage periods on SQLite, and reading which are closed; `lastClosed` reads the
 * latest closed period.
 */
export function sqliteUsagePeriods(
  db: Database.Database,
  group: GroupCommit,
  lastClosed: Database.Statement,
): Pick<
  UsageStore,
  'lastClosedPeriod' | 'firstOpenUsagePeriod' | 'closePeriod' | 'listClosedPeriods'
> {
  const firstOpen = db.prepare(
    `SELECT MIN(period) AS period FROM usage_events
     WHERE period > COALESCE((SELECT MAX(period) FROM usage_periods), '')`,
  );
  const insertPeriod = db.prepare(
    `INSERT INTO usage_periods (period, closed_at, early) VALUES (@period, @now, @early)
     ON CONFLICT (period) DO NOTHING`,
  );
  const periodBuckets = db
    .prepare(
      `SELECT e.provisioning_id, e.sku, e.period, ${SLICED_SUM},
         o.customer_id, o.provider_key, o.product_id
       FROM usage_events AS e JOIN orders AS o USING (provisioning_id)
       WHERE e.period = ? GROUP BY e.provisioning_id, e.sku ORDER BY e.provisioning_id, e.sku`,
    )
    .safeIntegers(true);
  const closedPeriods = db.prepare(
    'SELECT period, closed_at, early FROM usage_periods ORDER BY period DESC LIMIT ?',
  );
  const queueRelay = prepareQueueRelay(db);

  return {
    lastClosedPeriod: () => group.run(() => (lastClosed.get() as { period: string | null }).period),
    firstOpenUsagePeriod: () =>
      group.run(() => (firstOpen.get() as { period: string | null }).period),
    closePeriod: ({ period, now, early, report }) =>
      group.run(() => {
        const closed = (lastClosed.get() as { period: string | null }).period;
        if (closed !== null && period <= closed) return null;
        insertPeriod.run({ period, now, early: Number(early) });
        const counts = { queued: 0, held: 0 };
        for (const row of periodBuckets.all(period) as BucketRow[]) {
          const relay = report(toBucket(row));
          if (queueRelay(relay).queued) counts[relay.held === undefined ? 'queued' : 'held']++;
        }
        return counts;
      }),
    listClosedPeriods: ({ limit = 24 } = {}) =>
      group.run(() =>
        (closedPeriods.all(limit) as { period: string; closed_at: number; early: number }[]).map(
          (row) => ({ period: row.period, closedAt: row.closed_at, early: row.early === 1 }),
        ),
      ),
  };
}
