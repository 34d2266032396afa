-- Credit notes (avoirs): documents of their own, numbered in their own gapless series, that reduce
-- an issued invoice's amount due. Immutable once issued, like issued invoices.

-- What credit notes took off an invoice (the sum of their totals). amount_due = total − amount_paid
-- − amount_credited, and the database refuses any write that would make it negative.
ALTER TABLE invoices ADD COLUMN amount_credited INTEGER NOT NULL DEFAULT 0
  CHECK (amount_credited >= 0 AND amount_paid + amount_credited <= total);

CREATE TABLE credit_notes (
  id                  TEXT PRIMARY KEY,
  merchant_id         TEXT NOT NULL REFERENCES merchants (id),
  invoice_id          TEXT NOT NULL REFERENCES invoices (id),
  customer_id         TEXT NOT NULL REFERENCES customers (id),
  -- Counters live in number_series under 'credit_note:' + the rendered format, apart from invoices'.
  number              TEXT NOT NULL,
  number_series       TEXT NOT NULL,
  number_seq          INTEGER NOT NULL,
  invoice_number      TEXT NOT NULL,
  invoice_issued_on   TEXT NOT NULL,
  currency            TEXT NOT NULL,
  subtotal            INTEGER NOT NULL,
  tax                 INTEGER NOT NULL,
  total               INTEGER NOT NULL CHECK (total > 0),
  -- The part that lowered what was due, and the part taken off the invoice's payments (customer credit).
  applied_to_invoice  INTEGER NOT NULL CHECK (applied_to_invoice >= 0),
  to_credit           INTEGER NOT NULL CHECK (to_credit >= 0),
  refund_requested    INTEGER NOT NULL CHECK (refund_requested IN (0, 1)),
  reason              TEXT NOT NULL,
  line_count          INTEGER NOT NULL CHECK (line_count BETWEEN 1 AND 100),
  issued_on           TEXT NOT NULL,
  created_at          TEXT NOT NULL,
  CHECK (subtotal + tax = total),
  CHECK (applied_to_invoice + to_credit = total),
  UNIQUE (merchant_id, number)
);
CREATE INDEX credit_notes_by_merchant ON credit_notes (merchant_id, created_at, id);
CREATE INDEX credit_notes_by_invoice ON credit_notes (invoice_id, created_at);
CREATE INDEX credit_notes_by_customer ON credit_notes (merchant_id, customer_id, created_at, id);

CREATE TABLE credit_note_lines (
  credit_note_id   TEXT NOT NULL REFERENCES credit_notes (id),
  position         INTEGER NOT NULL,
  -- The invoice line it credits (its position), or NULL for a free line or a share of an amount.
  invoice_line     INTEGER,
  description      TEXT NOT NULL,
  quantity_milli   INTEGER NOT NULL CHECK (quantity_milli > 0),
  unit_amount      INTEGER NOT NULL,
  tax_rate         INTEGER NOT NULL CHECK (tax_rate BETWEEN 0 AND 10000),
  amount_subtotal  INTEGER NOT NULL,
  amount_tax       INTEGER NOT NULL,
  amount_total     INTEGER NOT NULL,
  PRIMARY KEY (credit_note_id, position),
  CHECK (amount_subtotal + amount_tax = amount_total)
) WITHOUT ROWID;

-- Issued means immutable: no row changes or goes away, and a credit note takes exactly its
-- line_count lines, inserted in its issuing batch (no line can be added later).
CREATE TRIGGER credit_notes_immutable BEFORE UPDATE ON credit_notes
BEGIN
  SELECT RAISE(ABORT, 'credit_note_immutable');
END;
CREATE TRIGGER credit_notes_no_delete BEFORE DELETE ON credit_notes
BEGIN
  SELECT RAISE(ABORT, 'credit_note_immutable');
END;
CREATE TRIGGER credit_note_lines_complete BEFORE INSERT ON credit_note_lines
WHEN NEW.position >= coalesce((SELECT line_count FROM credit_notes WHERE id = NEW.credit_note_id), 0)
BEGIN
  SELECT RAISE(ABORT, 'credit_note_immutable');
END;
CREATE TRIGGER credit_note_lines_frozen_update BEFORE UPDATE ON credit_note_lines
BEGIN
  SELECT RAISE(ABORT, 'credit_note_immutable');
END;
CREATE TRIGGER credit_note_lines_frozen_delete BEFORE DELETE ON credit_note_lines
BEGIN
  SELECT RAISE(ABORT, 'credit_note_immutable');
END;

-- A refund made for a credit note (refund: true) names it, so the credit note shows what was refunded.
ALTER TABLE refunds ADD COLUMN credit_note_id TEXT REFERENCES credit_notes (id);
CREATE INDEX refunds_by_credit_note ON refunds (credit_note_id) WHERE credit_note_id IS NOT NULL;
