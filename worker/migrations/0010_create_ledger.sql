-- The double-entry ledger: a projection of the event log (worker/ledger/). Each event becomes one
-- balanced entry (its lines share the event's seq); lines are never updated, and the same event
-- always projects to the same lines, so INSERT OR IGNORE on the primary key makes a catch-up that
-- runs twice (or two at once) write each line once. Amounts are minor units of `currency`.
CREATE TABLE ledger_lines (
  merchant_id     TEXT NOT NULL,
  seq             INTEGER NOT NULL,             -- the event's seq
  line            INTEGER NOT NULL,             -- position in the entry
  source          TEXT NOT NULL CHECK (source IN ('invoice', 'payment', 'refund', 'credit_note', 'reallocation', 'late_fee')),
  journal         TEXT NOT NULL CHECK (journal IN ('sales', 'bank')),
  entry_date      TEXT NOT NULL,                -- YYYY-MM-DD, the accounting date
  recorded_on     TEXT NOT NULL,                -- YYYY-MM-DD, the day the event was logged (the FEC's ValidDate)
  role            TEXT NOT NULL CHECK (role IN ('receivable', 'revenue', 'vat', 'bank', 'fees', 'late_fees')),
  tax_rate        INTEGER,                      -- basis points, revenue and VAT lines
  customer_id     TEXT,
  invoice_id      TEXT,                         -- NULL on a receivable line: the customer's unallocated credit
  payment_id      TEXT,
  credit_note_id  TEXT,
  method          TEXT,
  currency        TEXT NOT NULL,
  debit           INTEGER NOT NULL DEFAULT 0 CHECK (debit >= 0),
  credit          INTEGER NOT NULL DEFAULT 0 CHECK (credit >= 0),
  label           TEXT NOT NULL,
  piece           TEXT NOT NULL,                -- invoice / credit note number, or payment reference
  eur_rate        TEXT,                         -- foreign currency: the book rate (EUR per unit) in force when posted
  PRIMARY KEY (merchant_id, seq, line),
  CHECK ((debit = 0) <> (credit = 0))
) WITHOUT ROWID;
-- Receivables as of a date (ageing, DSO): each invoice's lines up to that date, read from the index alone.
CREATE INDEX ledger_receivables ON ledger_lines (merchant_id, invoice_id, entry_date, debit, credit, customer_id, currency) WHERE role = 'receivable';
-- The FEC reads a year's entries in seq order.
CREATE INDEX ledger_by_date ON ledger_lines (merchant_id, entry_date, seq);

CREATE TRIGGER ledger_lines_immutable BEFORE UPDATE ON ledger_lines
BEGIN
  SELECT RAISE(ABORT, 'ledger lines are immutable');
END;

-- How far each merchant's log is projected. Only ever moves forward.
CREATE TABLE ledger_cursors (
  merchant_id  TEXT PRIMARY KEY,
  last_seq     INTEGER NOT NULL
) WITHOUT ROWID;
