-- When the cron first saw the invoice overdue (and appended `invoice.overdue`, once per invoice).
ALTER TABLE invoices ADD COLUMN overdue_at TEXT;
-- The invoices still to be announced as overdue, by due date: the cron reads only those.
CREATE INDEX invoices_overdue_pending ON invoices (due_date, id) WHERE overdue_at IS NULL AND status IN ('open', 'partially_paid');
