/** The SQL of authentication: secret keys, client sessions and the CORS origins merchants allow. */

export interface SecretKeyRow {
  id: string;
  merchant_id: string;
  scope: "full" | "read_only";
}

export interface ClientSessionRow {
  /** Null only for sessions minted before sessions had ids (migration 0008). */
  id: string | null;
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
    .prepare("SELECT id, merchant_id, customer_id, expires_at, invoice_id FROM client_sessions WHERE token_hash = ? AND revoked_at IS NULL")
    .bind(tokenHash)
    .first<ClientSessionRow>();
}

/** Stores a client session (its token's hash only). */
export async function insertClientSession(
  db: D1Database,
  row: { id: string; tokenHash: string; merchantId: string; customerId: string; invoiceId: string | null; expiresAt: string; createdAt: string },
): Promise<void> {
  await db
    .prepare("INSERT INTO client_sessions (id, token_hash, merchant_id, customer_id, invoice_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
    .bind(row.id, row.tokenHash, row.merchantId, row.customerId, row.invoiceId, row.expiresAt, row.createdAt)
    .run();
}

export interface RevokedSessionRow {
  id: string;
  customer_id: string;
  expires_at: string;
  revoked_at: string;
}

/** Revokes one of the merchant's sessions by id (a second revocation keeps the first time); null when it has no such session. */
export function revokeClientSession(db: D1Database, merchantId: string, id: string, at: string): Promise<RevokedSessionRow | null> {
  return db
    .prepare("UPDATE client_sessions SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? AND merchant_id = ? RETURNING id, customer_id, expires_at, revoked_at")
    .bind(at, id, merchantId)
    .first<RevokedSessionRow>();
}

/** Revokes every live session of one customer; answers how many. */
export async function revokeCustomerSessions(db: D1Database, merchantId: string, customerId: string, at: string): Promise<number> {
  const result = await db
    .prepare("UPDATE client_sessions SET revoked_at = ? WHERE merchant_id = ? AND customer_id = ? AND revoked_at IS NULL AND expires_at > ?")
    .bind(at, merchantId, customerId, at)
    .run();
  return result.meta.changes;
}

/** Whether some merchant (or, given, this merchant) allows the origin. */
export async function originAllowed(db: D1Database, origin: string, merchantId?: string): Promise<boolean> {
  const row = merchantId === undefined
    ? await db.prepare("SELECT 1 FROM merchant_origins WHERE origin = ? LIMIT 1").bind(origin).first()
    : await db.prepare("SELECT 1 FROM merchant_origins WHERE origin = ? AND merchant_id = ?").bind(origin, merchantId).first();
  return row !== null;
}
