import type Database from 'better-sqlite3';
import type { GroupCommit } from '../group-commit.js';
import type { IngestStore, NewEvent, RecordResult } from '../ingest.js';
import type { NewRelay, RelayStatus } from '../outbox.js';
import { prepareQueueRelay } from './relay-rows.js';

/** {@link IngestStore} on SQLite: the event row and its relay in one transaction. */
export function sqliteIngest(db: Database.Database, group: GroupCommit): IngestStore {
  const insertEvent = db.prepare(
    `INSERT INTO events (id, type, partner_key, service_name, customer_id, referral, client_time, received_at)
     VALUES (@id, @type, @partnerKey, @serviceName, @customerId, @referral, @clientTime, @receivedAt)
     ON CONFLICT (id) DO NOTHING`,
  );
  const queueRelay = prepareQueueRelay(db);
  const record = (event: NewEvent, relay: NewRelay | undefined): RecordResult => {
    const added = insertEvent.run({
      ...event,
      referral: event.referral && JSON.stringify(event.referral),
    });
    if (added.changes === 0) return { duplicate: true, relayQueued: false };
    if (!relay) return { duplicate: false, relayQueued: false };
    const { queued, row } = queueRelay(relay);
    return {
      duplicate: false,
      relayQueued: queued,
      relay: { id: row.id, status: row.status as RelayStatus, purchasedAt: row.purchased_at },
    };
  };
  return { recordEvent: (event, relay) => group.run(() => record(event, relay)) };
}
