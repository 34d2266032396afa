-- Reports and CSV exports read a merchant's documents by date, a page at a time (keyset on the date
-- and the id): these indexes make each page a range read instead of a scan of the merchant's rows.
CREATE INDEX invoices_by_issue ON invoices (merchant_id, issued_at, id);
-- Payments count on the day the money came: received_on (offline payments), else the day recorded.
CREATE INDEX payments_by_received ON payments (merchant_id, coalesce(received_on, substr(created_at, 1, 10)), id);
-- Refunds and disputes by the day they happened (cash out in the collections report).
CREATE INDEX refunds_by_time ON refunds (created_at, payment_id);
-- Credit notes by issue day (credit_notes.csv, the collections report's credited amounts).
CREATE INDEX credit_notes_by_issue ON credit_notes (merchant_id, issued_on, id);
