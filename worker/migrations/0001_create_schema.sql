-- Quittance schema. Money columns are INTEGER minor units; dates are 'YYYY-MM-DD'; timestamps ISO 8601 UTC.

CREATE TABLE merchants (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  livemode    INTEGER NOT NULL DEFAULT 0 CHECK (livemode IN (0, 1)),
  created_at  TEXT NOT NULL
);

-- Secret (sk_), read-only (sk_) and publishable (pk_) keys. Only the SHA-256 of a key is stored;
-- `prefix` is the visible start of the key so a merchant can tell keys apart.
CREATE TABLE api_keys (
  id           TEXT PRIMARY KEY,
  merchant_id  TEXT NOT NULL REFERENCES merchants (id),
  kind         TEXT NOT NULL CHECK (kind IN ('secret', 'publishable')),
  scope        TEXT NOT NULL CHECK (scope IN ('full', 'read_only', 'publishable')),
  prefix       TEXT NOT NULL,
  key_hash     TEXT NOT NULL UNIQUE,
  created_at   TEXT NOT NULL,
  revoked_at   TEXT
);
CREATE INDEX api_keys_by_merchant ON api_keys (merchant_id);

-- Short-lived browser sessions (cs_) minted for one customer; hashed like keys.
CREATE TABLE client_sessions (
  token_hash   TEXT PRIMARY KEY,
  merchant_id  TEXT NOT NULL REFERENCES merchants (id),
  customer_id  TEXT NOT NULL REFERENCES customers (id),
  expires_at   TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  revoked_at   TEXT
) WITHOUT ROWID;
CREATE INDEX client_sessions_by_expiry ON client_sessions (expires_at);

CREATE TABLE settings (
  merchant_id  TEXT PRIMARY KEY REFERENCES merchants (id),
  data         TEXT NOT NULL CHECK (json_valid(data)),
  updated_at   TEXT NOT NULL
);

-- The origins each merchant allows to call client endpoints from a browser (kept with settings).
CREATE TABLE merchant_origins (
  origin       TEXT NOT NULL,
  merchant_id  TEXT NOT NULL REFERENCES merchants (id),
  PRIMARY KEY (origin, merchant_id)
) WITHOUT ROWID;
CREATE INDEX merchant_origins_by_merchant ON merchant_origins (merchant_id);

CREATE TABLE customers (
  id           TEXT PRIMARY KEY,
  merchant_id  TEXT NOT NULL REFERENCES merchants (id),
  name         TEXT NOT NULL,
  email        TEXT NOT NULL,
  locale       TEXT,
  external_id  TEXT,
  address      TEXT CHECK (address IS NULL OR json_valid(address)),
  siren        TEXT,
  vat_number   TEXT,
  created_at   TEXT NOT NULL,
  UNIQUE (merchant_id, external_id)
);
CREATE INDEX customers_by_merchant ON customers (merchant_id, created_at, id);

-- One counter per merchant and series (the numbering format rendered without its sequence).
CREATE TABLE number_series (
  merchant_id  TEXT NOT NULL REFERENCES merchants (id),
  series       TEXT NOT NULL,
  next_number  INTEGER NOT NULL CHECK (next_number >= 1),
  PRIMARY KEY (merchant_id, series)
) WITHOUT ROWID;

CREATE TABLE invoices (
  id              TEXT PRIMARY KEY,
  merchant_id     TEXT NOT NULL REFERENCES merchants (id),
  customer_id     TEXT NOT NULL REFERENCES customers (id),
  status          TEXT NOT NULL CHECK (status IN ('draft', 'open', 'partially_paid', 'paid', 'void', 'uncollectible')),
  currency        TEXT NOT NULL,
  number          TEXT,
  number_series   TEXT,
  number_seq      INTEGER,
  subtotal        INTEGER NOT NULL,
  tax             INTEGER NOT NULL,
  total           INTEGER NOT NULL CHECK (total > 0),
  amount_paid     INTEGER NOT NULL DEFAULT 0,
  processing      INTEGER NOT NULL DEFAULT 0,
  due_date        TEXT,
  net_days        INTEGER,
  terms           TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(terms)),
  payment_methods TEXT CHECK (payment_methods IS NULL OR json_valid(payment_methods)),
  memo            TEXT,
  hosted_token    TEXT NOT NULL UNIQUE,
  version         INTEGER NOT NULL DEFAULT 1,
  issued_at       TEXT,
  voided_at       TEXT,
  paid_at         TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  -- The database itself refuses any allocation sequence that overpays or underflows an invoice.
  CHECK (amount_paid >= 0 AND amount_paid <= total),
  CHECK (subtotal + tax = total),
  CHECK ((status = 'draft') = (number IS NULL)),
  UNIQUE (merchant_id, number)
);
CREATE INDEX invoices_by_merchant ON invoices (merchant_id, created_at, id);
CREATE INDEX invoices_by_customer ON invoices (merchant_id, customer_id, created_at, id);
CREATE INDEX invoices_by_status ON invoices (merchant_id, status, created_at, id);
CREATE INDEX invoices_by_due_date ON invoices (merchant_id, due_date) WHERE status IN ('open', 'partially_paid');

-- An issued invoice's customer, currency and amounts never change (only amount_paid and status move).
CREATE TRIGGER invoices_immutable_once_issued
BEFORE UPDATE OF customer_id, currency, subtotal, tax, total, number, due_date ON invoices
WHEN OLD.status <> 'draft'
BEGIN
  SELECT RAISE(ABORT, 'invoice_immutable');
END;

CREATE TABLE invoice_lines (
  invoice_id       TEXT NOT NULL REFERENCES invoices (id),
  position         INTEGER NOT NULL,
  description      TEXT NOT NULL,
  quantity_milli   INTEGER NOT NULL CHECK (quantity_milli > 0),
  unit_amount      INTEGER NOT NULL,
  tax_rate         INTEGER NOT NULL CHECK (tax_rate BETWEEN 0 AND 10000),
  amount_subtotal  INTEGER NOT NULL,
  amount_tax       INTEGER NOT NULL,
  amount_total     INTEGER NOT NULL,
  PRIMARY KEY (invoice_id, position),
  CHECK (amount_subtotal + amount_tax = amount_total)
) WITHOUT ROWID;

CREATE TRIGGER invoice_lines_frozen_insert BEFORE INSERT ON invoice_lines
WHEN (SELECT status FROM invoices WHERE id = NEW.invoice_id) <> 'draft'
BEGIN
  SELECT RAISE(ABORT, 'invoice_immutable');
END;
CREATE TRIGGER invoice_lines_frozen_update BEFORE UPDATE ON invoice_lines
WHEN (SELECT status FROM invoices WHERE id = OLD.invoice_id) <> 'draft'
BEGIN
  SELECT RAISE(ABORT, 'invoice_immutable');
END;
CREATE TRIGGER invoice_lines_frozen_delete BEFORE DELETE ON invoice_lines
WHEN (SELECT status FROM invoices WHERE id = OLD.invoice_id) <> 'draft'
BEGIN
  SELECT RAISE(ABORT, 'invoice_immutable');
END;

CREATE TABLE payments (
  id               TEXT PRIMARY KEY,
  merchant_id      TEXT NOT NULL REFERENCES merchants (id),
  customer_id      TEXT NOT NULL REFERENCES customers (id),
  method           TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('pending', 'processing', 'succeeded', 'failed', 'partially_refunded', 'refunded')),
  amount           INTEGER NOT NULL CHECK (amount > 0),
  amount_refunded  INTEGER NOT NULL DEFAULT 0,
  currency         TEXT NOT NULL,
  reference        TEXT,
  received_on      TEXT,
  version          INTEGER NOT NULL DEFAULT 1,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  CHECK (amount_refunded >= 0 AND amount_refunded <= amount)
);
CREATE INDEX payments_by_merchant ON payments (merchant_id, created_at, id);

CREATE TABLE allocations (
  payment_id       TEXT NOT NULL REFERENCES payments (id),
  invoice_id       TEXT NOT NULL REFERENCES invoices (id),
  position         INTEGER NOT NULL,
  amount           INTEGER NOT NULL CHECK (amount > 0),
  amount_refunded  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (payment_id, invoice_id),
  CHECK (amount_refunded >= 0 AND amount_refunded <= amount)
) WITHOUT ROWID;
CREATE INDEX allocations_by_invoice ON allocations (invoice_id);

CREATE TABLE refunds (
  id          TEXT PRIMARY KEY,
  payment_id  TEXT NOT NULL REFERENCES payments (id),
  amount      INTEGER NOT NULL CHECK (amount > 0),
  reason      TEXT,
  created_at  TEXT NOT NULL
);
CREATE INDEX refunds_by_payment ON refunds (payment_id, created_at);

-- The append-only event log. `seq` is the global commit order (the `after` cursor); each merchant's
-- events form a SHA-256 chain (hash = H(prev_hash, event)). Rows are appended unsealed (hash NULL)
-- inside the same batch as the change, then sealed in seq order; sealing is deterministic, so
-- concurrent sealers write the same values and the chain can never fork.
CREATE TABLE events (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  id_suffix    TEXT NOT NULL,
  merchant_id  TEXT NOT NULL REFERENCES merchants (id),
  type         TEXT NOT NULL,
  invoice_id   TEXT,
  payment_id   TEXT,
  customer_id  TEXT,
  data         TEXT NOT NULL CHECK (json_valid(data)),
  created_at   TEXT NOT NULL,
  prev_hash    TEXT,
  hash         TEXT
);
CREATE INDEX events_by_merchant ON events (merchant_id, seq);
CREATE INDEX events_unsealed ON events (merchant_id, seq) WHERE hash IS NULL;
CREATE INDEX events_by_invoice ON events (invoice_id, seq) WHERE invoice_id IS NOT NULL;

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only');
END;
CREATE TRIGGER events_seal_once BEFORE UPDATE ON events
WHEN OLD.hash IS NOT NULL
  OR NEW.seq IS NOT OLD.seq OR NEW.id_suffix IS NOT OLD.id_suffix OR NEW.merchant_id IS NOT OLD.merchant_id
  OR NEW.type IS NOT OLD.type OR NEW.invoice_id IS NOT OLD.invoice_id OR NEW.payment_id IS NOT OLD.payment_id
  OR NEW.customer_id IS NOT OLD.customer_id OR NEW.data IS NOT OLD.data OR NEW.created_at IS NOT OLD.created_at
BEGIN
  SELECT RAISE(ABORT, 'events are append-only');
END;

-- Idempotency-Key records, kept 48 h (the contract promises at least 24 h).
CREATE TABLE idempotency_keys (
  scope          TEXT NOT NULL,
  key            TEXT NOT NULL,
  request_hash   TEXT NOT NULL,
  status         INTEGER,
  response_body  TEXT,
  locked_until   TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  PRIMARY KEY (scope, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

-- A write batch starts with a guard insert into this table when its preconditions no longer hold
-- (SELECT … WHERE NOT EXISTS …): the CHECK fails, and D1 rolls the whole batch back.
CREATE TABLE batch_guard (
  reason TEXT CONSTRAINT batch_guard_refused CHECK (reason IS NULL)
);
