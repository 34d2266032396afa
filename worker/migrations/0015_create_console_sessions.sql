-- Console sessions (the merchant's back office in a browser) and the one-time links that open them.
-- Tokens are stored as SHA-256 hex only. Both are bound to the API key they were made from, so
-- rotating the keys ends them.
CREATE TABLE console_sessions (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  merchant_id TEXT NOT NULL REFERENCES merchants(id),
  key_id TEXT NOT NULL REFERENCES api_keys(id),
  scope TEXT NOT NULL CHECK (scope IN ('full', 'read_only')),
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX console_sessions_by_key ON console_sessions (key_id);
CREATE INDEX console_sessions_by_merchant ON console_sessions (merchant_id);

CREATE TABLE console_sign_in_links (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  merchant_id TEXT NOT NULL REFERENCES merchants(id),
  key_id TEXT NOT NULL REFERENCES api_keys(id),
  scope TEXT NOT NULL CHECK (scope IN ('full', 'read_only')),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);

-- Sign-in attempts per address (rate limit: a few a minute); old rows are deleted as new ones come.
CREATE TABLE console_sign_in_attempts (
  address TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX console_sign_in_attempts_by_address ON console_sign_in_attempts (address, at);
