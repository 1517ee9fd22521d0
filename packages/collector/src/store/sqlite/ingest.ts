import type Database from 'better-sqlite3';
import type { GroupCommit } from '../group-commit.js';
import { eventValues, type IngestStore, type NewEvent, type RecordResult } from '../ingest.js';
import type { NewRelay } from '../outbox.js';
import { relayHead } from '../relay-row.js';
import { prepareQueueRelay, type QueuedRelay } from './relay-rows.js';

/** {@link IngestStore} on SQLite: the event row and its relay in one transaction. */
export function sqliteIngest(db: Database.Database, group: GroupCommit): IngestStore {
  // Positional parameters: binding by name looks each one up in an object made per call.
  const insertEvent = db.prepare(
    `INSERT INTO events (id, type, partner_key, service_name, customer_id, referral, client_time, received_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO NOTHING`,
  );
  const queueRelay = prepareQueueRelay(db);
  // A beacon relay not sent yet, or dead-lettered, carries the report from now on; a dead
  // one is due again with a fresh retry window, as a replayed dead letter is. (A report
  // still waiting from an attempt a restart interrupted came first, and wins.)
  const replace = db.prepare(
    `UPDATE relays SET payload = COALESCE(replacement, @payload),
       purchased_at = COALESCE(json_extract(replacement, '$.purchasedAt'), @purchasedAt),
       source = 'api', replacement = NULL, status = 'pending',
       next_attempt_at = IIF(status = 'dead', @now, next_attempt_at),
       replayed_at = IIF(status = 'dead', @now, replayed_at), updated_at = @now
     WHERE id = @id AND source = 'beacon' AND status IN ('pending', 'dead')
     RETURNING purchased_at`,
  );
  // One being sent cannot be taken back: the report waits beside it (the first report
  // wins), and the outcome of that attempt decides (see sqlite/outbox.ts).
  const replaceAfterAttempt = db.prepare(
    `UPDATE relays SET replacement = COALESCE(replacement, @payload), updated_at = @now
     WHERE id = @id AND source = 'beacon' AND status = 'in_flight'
     RETURNING json_extract(replacement, '$.purchasedAt') AS purchased_at`,
  );

  function takeOver(relay: NewRelay, row: QueuedRelay['row'], now: number): RecordResult {
    const params = { id: row.id, payload: JSON.stringify(relay.payload), now };
    const replaced = replace.get({ ...params, purchasedAt: relay.purchasedAt }) as
      | { purchased_at: string }
      | undefined;
    if (replaced) {
      return {
        duplicate: false,
        relayQueued: false,
        replaced: 'replaced',
        relay: { id: row.id, status: 'pending', source: 'api', purchasedAt: replaced.purchased_at },
      };
    }
    const waiting = replaceAfterAttempt.get(params) as { purchased_at: string } | undefined;
    if (waiting) {
      return {
        duplicate: false,
        relayQueued: false,
        replaced: 'replacing',
        relay: { ...relayHead(row), purchasedAt: waiting.purchased_at },
      };
    }
    return { duplicate: false, relayQueued: false, relay: relayHead(row) };
  }

  const record = (event: NewEvent, relay: NewRelay | undefined): RecordResult => {
    const added = insertEvent.run(...eventValues(event));
    if (added.changes === 0) return { duplicate: true, relayQueued: false };
    if (!relay) return { duplicate: false, relayQueued: false };
    const { queued, row } = queueRelay(relay);
    if (queued) return { duplicate: false, relayQueued: true, relay: relayHead(row) };
    // Only an authenticated report may take over what a beacon (anyone) queued.
    if (relay.source === 'api' && row.source === 'beacon') {
      return takeOver(relay, row, event.receivedAt);
    }
    return { duplicate: false, relayQueued: false, relay: relayHead(row) };
  };
  return { recordEvent: (event, relay) => group.run(() => record(event, relay)) };
}
