/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
 * Append only: never edit a migration that has shipped.
 */
export const migrations: readonly string[] = [
  `
  CREATE TABLE events (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL CHECK (type IN ('visit', 'purchase')),
    partner_key TEXT NOT NULL,
    service_name TEXT NOT NULL,
    customer_id TEXT,
    referral TEXT,
    client_time INTEGER NOT NULL,
    received_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX events_received ON events (received_at);

  CREATE TABLE relays (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    partner_key TEXT NOT NULL,
    service_name TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    purchased_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
      CHECK (status IN ('pending', 'in_flight', 'delivered', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until INTEGER,
    last_error TEXT,
    last_status INTEGER,
    last_body TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    delivered_at INTEGER,
    UNIQUE (kind, partner_key, service_name, customer_id)
  ) STRICT;
  CREATE INDEX relays_due ON relays (status, next_attempt_at);
  `,
  // Replaying a dead letter restarts its retry window; the dashboard groups relays by day.
  `
  ALTER TABLE relays ADD COLUMN replayed_at INTEGER;
  CREATE INDEX relays_created ON relays (created_at);
  CREATE INDEX events_type_received ON events (type, received_at);
  `,
];
