-- Bank statement import (POST /v1/bank_statements): the files a merchant uploads, one row per
-- transaction read from them, and what each became (a payment, or nothing yet).

-- The RF reference body of an invoice number (shared/rf-reference.ts `rfBodyOf`: the letters and
-- digits, upper-cased), so a transfer's reference finds its invoice through an index. Numbering
-- formats allow only letters, digits, - _ / . and space (+ kept for e-invoice numbers), the
-- characters removed here; the import compares with rfBodyOf, which removes any other.
ALTER TABLE invoices ADD COLUMN rf_body TEXT
  GENERATED ALWAYS AS (upper(replace(replace(replace(replace(replace(replace(number, '-', ''), '_', ''), '/', ''), '.', ''), ' ', ''), '+', ''))) VIRTUAL;
CREATE INDEX invoices_by_rf_body ON invoices (merchant_id, rf_body);

CREATE TABLE bank_statements (
  id            TEXT PRIMARY KEY,
  merchant_id   TEXT NOT NULL REFERENCES merchants (id),
  format        TEXT NOT NULL CHECK (format IN ('camt.053', 'camt.054', 'ofx')),
  message_id    TEXT,
  account       TEXT NOT NULL,
  period_start  TEXT,
  period_end    TEXT,
  -- 'importing' until the last chunk of lines is written (a crash leaves it so; importing the file
  -- again records the rest, the lines already written being duplicates).
  status        TEXT NOT NULL CHECK (status IN ('importing', 'imported')),
  line_count    INTEGER NOT NULL CHECK (line_count >= 0),
  byte_size     INTEGER NOT NULL,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);
CREATE INDEX bank_statements_by_merchant ON bank_statements (merchant_id, created_at, id);

CREATE TABLE bank_statement_lines (
  statement_id    TEXT NOT NULL REFERENCES bank_statements (id),
  position        INTEGER NOT NULL CHECK (position >= 1),
  merchant_id     TEXT NOT NULL REFERENCES merchants (id),
  status          TEXT NOT NULL CHECK (status IN ('matched', 'unmatched', 'ignored', 'duplicate')),
  direction       TEXT NOT NULL CHECK (direction IN ('credit', 'debit')),
  amount          INTEGER NOT NULL CHECK (amount >= 0),
  currency        TEXT NOT NULL,
  account         TEXT NOT NULL,
  booking_date    TEXT,
  value_date      TEXT,
  entry_ref       TEXT NOT NULL,
  -- account + entry_ref for the credit line that first brought this transaction in; NULL on
  -- duplicates and ignored lines. Unique per merchant: a transaction is recorded once, whatever
  -- the files (the same statement twice, overlapping periods, a camt.054 then the camt.053).
  entry_key       TEXT,
  structured_ref  TEXT,
  remittance      TEXT,
  payer_name      TEXT,
  payer_iban      TEXT,
  ignored_reason  TEXT,
  match_method    TEXT CHECK (match_method IN ('reference', 'invoice_number', 'amount_and_payer', 'manual')),
  payment_id      TEXT REFERENCES payments (id),
  matched_at      TEXT,
  version         INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (statement_id, position),
  CHECK ((status = 'matched') = (payment_id IS NOT NULL))
) WITHOUT ROWID;
CREATE UNIQUE INDEX bank_statement_lines_by_entry ON bank_statement_lines (merchant_id, entry_key) WHERE entry_key IS NOT NULL;
CREATE INDEX bank_statement_lines_by_status ON bank_statement_lines (statement_id, status, position);

-- Payers' IBANs learnt from matched transfers (the customer's IBAN is not stored otherwise): a
-- later transfer from the same account names its customer for the amount + payer rule.
CREATE TABLE bank_payers (
  merchant_id  TEXT NOT NULL REFERENCES merchants (id),
  iban         TEXT NOT NULL,
  customer_id  TEXT NOT NULL REFERENCES customers (id),
  updated_at   TEXT NOT NULL,
  PRIMARY KEY (merchant_id, iban)
) WITHOUT ROWID;
