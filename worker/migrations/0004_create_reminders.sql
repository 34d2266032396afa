-- Reminders (relances): one row per invoice and step, created when the invoice is issued (or the
-- policy changes), found by the cron through an index on the day it is due.

CREATE TABLE reminders (
  id           TEXT PRIMARY KEY,
  merchant_id  TEXT NOT NULL REFERENCES merchants (id),
  invoice_id   TEXT NOT NULL REFERENCES invoices (id),
  -- The step's offset in days from the due date (-3, 0, 7…); manual reminders use 100000 + n.
  step         INTEGER NOT NULL,
  send_on      TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('scheduled', 'queued', 'sending', 'sent', 'skipped', 'failed')),
  skip_reason  TEXT,
  attempts     INTEGER NOT NULL DEFAULT 0,
  message_id   TEXT,
  last_error   TEXT,
  sent_at      TEXT,
  opened_at    TEXT,
  clicked_at   TEXT,
  viewed_at    TEXT,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  -- A step is sent at most once per invoice, even with two cron runs at once.
  UNIQUE (invoice_id, step)
);
-- The cron's query: its cost grows with the reminders due, not with the invoices held.
CREATE INDEX reminders_due ON reminders (send_on) WHERE status = 'scheduled';
CREATE INDEX reminders_by_invoice ON reminders (invoice_id, send_on);
-- The daily cap counts today's sends per merchant.
CREATE INDEX reminders_sent_by_merchant ON reminders (merchant_id, sent_at) WHERE sent_at IS NOT NULL;

-- Per-invoice overrides: paused, a promise to pay (reminders held until it passes), a custom schedule.
CREATE TABLE invoice_reminder_settings (
  invoice_id     TEXT PRIMARY KEY REFERENCES invoices (id),
  paused         INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
  promise_until  TEXT,
  custom_steps   TEXT CHECK (custom_steps IS NULL OR json_valid(custom_steps)),
  updated_at     TEXT NOT NULL
) WITHOUT ROWID;

-- The local transport (no SMTP configured, outside production): messages land here, shown at /dev/outbox.
CREATE TABLE outbox_messages (
  id           TEXT PRIMARY KEY,
  merchant_id  TEXT NOT NULL,
  reminder_id  TEXT,
  to_address   TEXT NOT NULL,
  subject      TEXT NOT NULL,
  text_body    TEXT NOT NULL,
  html_body    TEXT NOT NULL,
  headers      TEXT NOT NULL CHECK (json_valid(headers)),
  created_at   TEXT NOT NULL
);
CREATE INDEX outbox_by_time ON outbox_messages (created_at);
