/** The SQL of authentication: secret keys, client sessions and the CORS origins merchants allow. */

export interface SecretKeyRow {
  id: string;
  merchant_id: string;
  scope: "full" | "read_only";
}

export interface ClientSessionRow {
  merchant_id: string;
  customer_id: string;
  expires_at: string;
  invoice_id: string | null;
}

/** A live (not revoked) secret key by its hash. */
export function findSecretKey(db: D1Database, keyHash: string): Promise<SecretKeyRow | null> {
  return db.prepare("SELECT id, merchant_id, scope FROM api_keys WHERE key_hash = ? AND kind = 'secret' AND revoked_at IS NULL").bind(keyHash).first<SecretKeyRow>();
}

/** A client session not revoked, by its token's hash (expiry is the caller's to check). */
export function findClientSession(db: D1Database, tokenHash: string): Promise<ClientSessionRow | null> {
  return db
    .prepare("SELECT merchant_id, customer_id, expires_at, invoice_id FROM client_sessions WHERE token_hash = ? AND revoked_at IS NULL")
    .bind(tokenHash)
    .first<ClientSessionRow>();
}

/** Stores a client session (its token's hash only). */
export async function insertClientSession(
  db: D1Database,
  row: { tokenHash: string; merchantId: string; customerId: string; invoiceId: string | null; expiresAt: string; createdAt: string },
): Promise<void> {
  await db
    .prepare("INSERT INTO client_sessions (token_hash, merchant_id, customer_id, invoice_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)")
    .bind(row.tokenHash, row.merchantId, row.customerId, row.invoiceId, row.expiresAt, row.createdAt)
    .run();
}

/** Whether some merchant (or, given, this merchant) allows the origin. */
export async function originAllowed(db: D1Database, origin: string, merchantId?: string): Promise<boolean> {
  const row = merchantId === undefined
    ? await db.prepare("SELECT 1 FROM merchant_origins WHERE origin = ? LIMIT 1").bind(origin).first()
    : await db.prepare("SELECT 1 FROM merchant_origins WHERE origin = ? AND merchant_id = ?").bind(origin, merchantId).first();
  return row !== null;
}
