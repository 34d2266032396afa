-- The latest signed checkpoint of each merchant's event chain (worker/events/checkpoint.ts): a
-- copy for the audit:verify command. The signature (HMAC under a key derived from the master key,
-- which the database does not hold) is the authority, not this row; the hub keeps its own copy.
CREATE TABLE chain_checkpoints (
  merchant_id  TEXT PRIMARY KEY REFERENCES merchants (id),
  seq          INTEGER NOT NULL,
  hash         TEXT NOT NULL,
  count        INTEGER NOT NULL,
  signed_at    TEXT NOT NULL,
  signature    TEXT NOT NULL
);
