-- Indexes that keep two hot reads flat however long a merchant's history grows (issue 14).

-- GET /v1/invoices?overdue=true: the invoices that can still be overdue (payable, something due),
-- by due date, carrying what the filter and the newest-first order read. Only unpaid payable
-- invoices are in it, so its size follows a merchant's open receivables, not its paid history.
-- The list query names it (INDEXED BY): with statistics, SQLite may otherwise prefer walking every
-- invoice newest first.
-- Its WHERE is written exactly as the query writes it (`payableSql`, `amountDueSql` in worker/db/sql.ts),
-- since SQLite uses a partial index only when the query's terms match the index's.
CREATE INDEX invoices_overdue_by_due_date ON invoices (merchant_id, due_date, created_at, id, status, amount_paid, amount_credited, total)
  WHERE status IN ('open', 'partially_paid') AND (total - amount_paid - amount_credited) > 0;

-- GET /v1/events?type=…: the events of one type in log order, so a type with few (or no) events
-- answers without reading the merchant's whole log.
CREATE INDEX events_by_type ON events (merchant_id, type, seq);
