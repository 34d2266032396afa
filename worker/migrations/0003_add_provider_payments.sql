-- Payments through Stripe, PayPal and the sandbox.

-- Which provider holds the money, its ids, and what the browser was told to do.
ALTER TABLE payments ADD COLUMN provider TEXT CHECK (provider IS NULL OR provider IN ('stripe', 'paypal', 'sandbox'));
ALTER TABLE payments ADD COLUMN provider_ref TEXT;
ALTER TABLE payments ADD COLUMN charge_ref TEXT;
ALTER TABLE payments ADD COLUMN client_action TEXT CHECK (client_action IS NULL OR json_valid(client_action));
ALTER TABLE payments ADD COLUMN failure_message TEXT;
CREATE UNIQUE INDEX payments_by_provider_ref ON payments (provider, provider_ref) WHERE provider_ref IS NOT NULL;
CREATE INDEX payments_by_charge_ref ON payments (provider, charge_ref) WHERE charge_ref IS NOT NULL;
-- Reconciliation finds payments left in flight.
CREATE INDEX payments_in_flight ON payments (updated_at) WHERE status IN ('pending', 'processing');
-- Credit balances sum each customer's payments.
CREATE INDEX payments_by_customer ON payments (customer_id, currency);

-- A payment in flight plans its allocations (applied = 0); they apply when the provider confirms.
ALTER TABLE allocations ADD COLUMN applied INTEGER NOT NULL DEFAULT 1 CHECK (applied IN (0, 1));

-- A dispute takes money back like a refund; both are recorded here.
ALTER TABLE refunds ADD COLUMN kind TEXT NOT NULL DEFAULT 'refund' CHECK (kind IN ('refund', 'dispute'));
ALTER TABLE refunds ADD COLUMN provider_ref TEXT;

-- Every provider event id we acted on, written in the same batch as the change it caused:
-- a duplicate delivery hits the primary key and changes nothing. Keyed per merchant, so one
-- merchant can never spend another's event ids.
CREATE TABLE provider_events (
  provider     TEXT NOT NULL,
  event_id     TEXT NOT NULL,
  merchant_id  TEXT NOT NULL REFERENCES merchants (id),
  payment_id   TEXT,
  kind         TEXT NOT NULL,
  received_at  TEXT NOT NULL,
  PRIMARY KEY (merchant_id, provider, event_id)
) WITHOUT ROWID;

-- Each merchant's own provider accounts, encrypted (AES-GCM) under the Worker's master key.
CREATE TABLE provider_credentials (
  merchant_id  TEXT NOT NULL REFERENCES merchants (id),
  provider     TEXT NOT NULL CHECK (provider IN ('stripe', 'paypal')),
  ciphertext   TEXT NOT NULL,
  masked       TEXT NOT NULL CHECK (json_valid(masked)),
  updated_at   TEXT NOT NULL,
  PRIMARY KEY (merchant_id, provider)
) WITHOUT ROWID;

-- The sandbox provider's own state: what a real provider would keep on its side.
CREATE TABLE sandbox_payments (
  id           TEXT PRIMARY KEY,
  merchant_id  TEXT NOT NULL REFERENCES merchants (id),
  payment_id   TEXT NOT NULL,
  token        TEXT NOT NULL UNIQUE,
  amount       INTEGER NOT NULL,
  currency     TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('requires_payment', 'succeeded', 'failed')),
  amount_refunded INTEGER NOT NULL DEFAULT 0,
  failure_message TEXT,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);
