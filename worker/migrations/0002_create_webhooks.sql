-- Outbound webhooks: endpoints, one delivery per (endpoint, event), and every attempt of each.

CREATE TABLE webhook_endpoints (
  id                    TEXT PRIMARY KEY,
  merchant_id           TEXT NOT NULL REFERENCES merchants (id),
  url                   TEXT NOT NULL,
  events                TEXT CHECK (events IS NULL OR json_valid(events)),
  secret                TEXT NOT NULL,
  status                TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
  -- Only events after this seq are delivered (an endpoint does not receive the past).
  start_seq             INTEGER NOT NULL,
  consecutive_failures  INTEGER NOT NULL DEFAULT 0,
  created_at            TEXT NOT NULL,
  disabled_at           TEXT
);
CREATE INDEX webhook_endpoints_by_merchant ON webhook_endpoints (merchant_id, status);

CREATE TABLE webhook_deliveries (
  id                TEXT PRIMARY KEY,
  endpoint_id       TEXT NOT NULL REFERENCES webhook_endpoints (id),
  merchant_id       TEXT NOT NULL REFERENCES merchants (id),
  event_seq         INTEGER NOT NULL REFERENCES events (seq),
  status            TEXT NOT NULL CHECK (status IN ('pending', 'retrying', 'succeeded', 'failed', 'skipped')),
  attempts          INTEGER NOT NULL DEFAULT 0,
  last_status_code  INTEGER,
  next_attempt_at   TEXT,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  UNIQUE (endpoint_id, event_seq)
);
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at, id);

CREATE TABLE webhook_attempts (
  id           TEXT PRIMARY KEY,
  delivery_id  TEXT NOT NULL REFERENCES webhook_deliveries (id),
  endpoint_id  TEXT NOT NULL REFERENCES webhook_endpoints (id),
  attempt      INTEGER NOT NULL,
  status_code  INTEGER,
  error        TEXT,
  duration_ms  INTEGER NOT NULL,
  created_at   TEXT NOT NULL
);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_id, attempt);
