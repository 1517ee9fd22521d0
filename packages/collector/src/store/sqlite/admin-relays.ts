import type Database from 'better-sqlite3';
import type { RelayReads } from '../admin-reads.js';
import type { GroupCommit } from '../group-commit.js';
import { BILLING_IN_DOUBT, NOT_KEPT } from '../kept-relays.js';
import type { RelayStatus } from '../outbox.js';
import { relayCounts } from '../relay-states.js';
import { type RelayRow, toRelay } from './relay-rows.js';

/** Reading relays for the dashboard, the CLI and the provider API, on SQLite. */
export function sqliteRelayReads(db: Database.Database, group: GroupCommit): RelayReads {
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
  const oldestPending = db.prepare(
    `SELECT MIN(COALESCE(replayed_at, created_at)) AS t FROM relays
     WHERE status IN ('pending', 'in_flight')`,
  );

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
    oldestPendingSince: () => group.run(() => (oldestPending.get() as { t: number | null }).t),
  };
}
