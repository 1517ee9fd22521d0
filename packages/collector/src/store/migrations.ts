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
  // The outbox keyed per kind: each kind names its own dedupe key (a SaasTracking per
  // customer, an order call per order and SKU, a usage report per order, SKU and period),
  // and order calls carry no purchase time. Usage reports may end `unconfirmed` (sent,
  // answer unknown) and `late` (sent after the month-end blackout began).
  // SQLite cannot drop a UNIQUE constraint, so the table is rebuilt with its rows and ids.
  `
  CREATE TABLE relays_v3 (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    dedupe_key TEXT NOT NULL,
    partner_key TEXT NOT NULL,
    service_name TEXT,
    customer_id TEXT NOT NULL,
    order_id TEXT,
    sku TEXT,
    payload TEXT NOT NULL,
    purchased_at TEXT,
    period TEXT,
    status TEXT NOT NULL DEFAULT 'pending'
      CHECK (status IN ('pending', 'in_flight', 'delivered', 'dead', 'unconfirmed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until INTEGER,
    last_error TEXT,
    last_status INTEGER,
    last_body TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    delivered_at INTEGER,
    replayed_at INTEGER,
    late INTEGER NOT NULL DEFAULT 0,
    UNIQUE (kind, dedupe_key)
  ) STRICT;
  INSERT INTO relays_v3 (id, kind, dedupe_key, partner_key, service_name, customer_id, payload,
    purchased_at, status, attempts, next_attempt_at, lease_until, last_error, last_status,
    last_body, created_at, updated_at, delivered_at, replayed_at)
  SELECT id, kind, json_array(partner_key, service_name, customer_id), partner_key, service_name,
    customer_id, payload, purchased_at, status, attempts, next_attempt_at, lease_until,
    last_error, last_status, last_body, created_at, updated_at, delivered_at, replayed_at
  FROM relays;
  DROP TABLE relays;
  ALTER TABLE relays_v3 RENAME TO relays;
  CREATE INDEX relays_due ON relays (status, next_attempt_at);
  CREATE INDEX relays_created ON relays (created_at);
  CREATE INDEX relays_order ON relays (order_id) WHERE order_id IS NOT NULL;

  CREATE TABLE orders (
    provisioning_id TEXT PRIMARY KEY,
    product_id INTEGER NOT NULL,
    customer_id TEXT NOT NULL,
    provider_key TEXT NOT NULL,
    answer TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX orders_created ON orders (created_at);

  CREATE TABLE order_skus (
    provisioning_id TEXT NOT NULL REFERENCES orders (provisioning_id),
    position INTEGER NOT NULL,
    sku TEXT NOT NULL,
    ended_at INTEGER,
    PRIMARY KEY (provisioning_id, sku)
  ) STRICT;

  CREATE TABLE provisioning_failures (
    id INTEGER PRIMARY KEY,
    provisioning_id TEXT NOT NULL,
    product_id INTEGER NOT NULL,
    product_skus TEXT NOT NULL,
    at INTEGER NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('refused', 'failed')),
    status INTEGER,
    message TEXT NOT NULL
  ) STRICT;
  CREATE INDEX provisioning_failures_at ON provisioning_failures (at);
  `,
  // Usage events, each counted in one period, and the periods closed so far (in order).
  `
  CREATE TABLE usage_events (
    event_id TEXT PRIMARY KEY,
    provisioning_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    quantity_micros INTEGER NOT NULL,
    occurred_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    period TEXT NOT NULL
  ) STRICT;
  CREATE INDEX usage_events_period ON usage_events (period, provisioning_id, sku);
  CREATE INDEX usage_events_order ON usage_events (provisioning_id, sku, period);

  CREATE TABLE usage_periods (
    period TEXT PRIMARY KEY,
    closed_at INTEGER NOT NULL,
    early INTEGER NOT NULL DEFAULT 0
  ) STRICT;
  `,
  // Where each relay came from: a purchase beacon (which anyone can send) or an
  // authenticated call. A backend's report takes over an undelivered beacon relay; one in
  // flight keeps the report in `replacement` until that attempt's outcome is known. Rows
  // from before: a SaasTracking is the beacon's unless the purchase event that created it
  // (same customer, received as the relay was created) came through POST /api/purchases.
  `
  ALTER TABLE relays ADD COLUMN source TEXT NOT NULL DEFAULT 'api'
    CHECK (source IN ('beacon', 'api'));
  ALTER TABLE relays ADD COLUMN replacement TEXT;
  UPDATE relays SET source = 'beacon'
  WHERE kind = 'saas_tracking' AND NOT EXISTS (
    SELECT 1 FROM events
    WHERE events.type = 'purchase' AND events.received_at = relays.created_at
      AND substr(events.id, 1, 4) = 'api_' AND events.partner_key = relays.partner_key
      AND events.service_name = relays.service_name AND events.customer_id = relays.customer_id);
  `,
  // Who is forwarding an order to the provider right now, until when: one collector at a
  // time per provisioningId, whichever of several on one database the marketplace reached.
  `
  CREATE TABLE provisioning_claims (
    provisioning_id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    lease_until INTEGER NOT NULL
  ) STRICT;
  `,
  // What an order's request was, so that the same key with another order is refused: a
  // digest (orders/order-digest) on the order and on the claim forwarding it. The key
  // repeats are recognised by: the provisioningId, or under v1 (no provisioningId) the
  // digest. Rows from before have no digest and match any request.
  `
  ALTER TABLE orders ADD COLUMN request_key TEXT;
  ALTER TABLE orders ADD COLUMN request_digest TEXT;
  UPDATE orders SET request_key = provisioning_id;
  CREATE UNIQUE INDEX orders_request_key ON orders (request_key);
  ALTER TABLE provisioning_claims ADD COLUMN request_digest TEXT;
  `,
  // The billing starts not yet delivered, which each claim checks against their SKU's end
  // (store/superseded-starts): found without reading every relay.
  `
  CREATE INDEX relays_open_starts ON relays (order_id, sku)
    WHERE kind = 'start_billing' AND status <> 'delivered';
  `,
  // Other request keys an order answers to: under v1 the provider may give a request with
  // other details the coid of an order it already has; the request's key is kept here, so a
  // repeat is answered from the store, never forwarded again (orders/provisioning).
  `
  CREATE TABLE order_keys (
    request_key TEXT PRIMARY KEY,
    provisioning_id TEXT NOT NULL REFERENCES orders (provisioning_id),
    request_digest TEXT NOT NULL
  ) STRICT;
  `,
  // Secrets the database keeps for itself: the key of request digests (HMAC-SHA256 of an
  // order's details, orders/order-digest), created at random the first time it is needed.
  `
  CREATE TABLE clm_keys (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT;
  `,
  // Delivery rules as row data (store/outbox.ts RelayRules), so no statement of the outbox
  // names a kind. Rows from before get what their kind declared: a usage report waits out
  // the blackout and is sent at most once, an end ends its SKU, a start is superseded by
  // it. The open starts' index follows the flag.
  `
  ALTER TABLE relays ADD COLUMN pause TEXT;
  ALTER TABLE relays ADD COLUMN at_most_once INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE relays ADD COLUMN ends_sku INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE relays ADD COLUMN superseded_by_end INTEGER NOT NULL DEFAULT 0;
  UPDATE relays SET pause = 'blackout', at_most_once = 1 WHERE kind = 'usage_report';
  UPDATE relays SET ends_sku = 1 WHERE kind = 'usage_end';
  UPDATE relays SET superseded_by_end = 1 WHERE kind = 'start_billing';
  CREATE INDEX relays_open_supersedable ON relays (order_id, sku)
    WHERE superseded_by_end = 1 AND status <> 'delivered';
  DROP INDEX relays_open_starts;
  `,
  // No statement reads events by received_at alone (the day counts read type and
  // received_at: events_type_received), and every beacon paid one more B-tree insert for it.
  `
  DROP INDEX events_received;
  `,
];
