-- A client session gets a public id (`sess_…`), so the merchant can revoke one
-- (DELETE /v1/client_sessions/:id) without holding its token; sessions minted before this have
-- none and are revoked by customer or by key rotation. Revoking by customer reads this index.
ALTER TABLE client_sessions ADD COLUMN id TEXT;
CREATE UNIQUE INDEX client_sessions_by_id ON client_sessions (id);
CREATE INDEX client_sessions_by_customer ON client_sessions (merchant_id, customer_id);
