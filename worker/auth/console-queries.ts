/** The SQL of console sessions and sign-in links (tokens are stored as SHA-256 hex only). */

export interface ConsoleSessionRow {
  id: string;
  merchant_id: string;
  merchant_name: string;
  key_id: string;
  scope: "full" | "read_only";
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

/**
 * A console session not revoked whose key is still live, by its token's hash (expiry is the caller's to check).
 * @example await findConsoleSession(env.DB, await sha256Hex(token))
 */
export function findConsoleSession(db: D1Database, tokenHash: string): Promise<ConsoleSessionRow | null> {
  return db
    .prepare(
      `SELECT s.id, s.merchant_id, m.name AS merchant_name, s.key_id, s.scope, s.created_at, s.last_seen_at, s.expires_at
       FROM console_sessions s JOIN api_keys k ON k.id = s.key_id JOIN merchants m ON m.id = s.merchant_id
       WHERE s.token_hash = ? AND s.revoked_at IS NULL AND k.revoked_at IS NULL`,
    )
    .bind(tokenHash)
    .first<ConsoleSessionRow>();
}

/**
 * Stores a console session.
 * @example await insertConsoleSession(db, { id, tokenHash, merchantId, keyId, scope: "full", now, expiresAt })
 */
export async function insertConsoleSession(
  db: D1Database,
  row: { id: string; tokenHash: string; merchantId: string; keyId: string; scope: "full" | "read_only"; now: string; expiresAt: string },
): Promise<void> {
  await db
    .prepare("INSERT INTO console_sessions (id, token_hash, merchant_id, key_id, scope, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
    .bind(row.id, row.tokenHash, row.merchantId, row.keyId, row.scope, row.now, row.now, row.expiresAt)
    .run();
}

/**
 * Moves a session's idle clock forward.
 * @example await touchConsoleSession(db, "csn_…", new Date().toISOString())
 */
export async function touchConsoleSession(db: D1Database, id: string, at: string): Promise<void> {
  await db.prepare("UPDATE console_sessions SET last_seen_at = ? WHERE id = ? AND revoked_at IS NULL").bind(at, id).run();
}

/**
 * Revokes one console session (a second revocation keeps the first time).
 * @example await revokeConsoleSessionRow(db, "csn_…", now)
 */
export async function revokeConsoleSessionRow(db: D1Database, id: string, at: string): Promise<void> {
  await db.prepare("UPDATE console_sessions SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?").bind(at, id).run();
}

/**
 * Revokes every live console session and unused link of a merchant (a key rotation); answers how many sessions.
 * @example await revokeMerchantConsoleSessions(db, "mer_…", now)
 */
export async function revokeMerchantConsoleSessions(db: D1Database, merchantId: string, at: string): Promise<number> {
  const [sessions] = await db.batch([
    db.prepare("UPDATE console_sessions SET revoked_at = ? WHERE merchant_id = ? AND revoked_at IS NULL").bind(at, merchantId),
    db.prepare("UPDATE console_sign_in_links SET used_at = ? WHERE merchant_id = ? AND used_at IS NULL").bind(at, merchantId),
  ]);
  return sessions!.meta.changes;
}

/** SQL that stores a sign-in link (shared with the CLI, which runs it through wrangler d1). */
export const INSERT_SIGN_IN_LINK_SQL =
  "INSERT INTO console_sign_in_links (id, token_hash, merchant_id, key_id, scope, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)";

/**
 * Stores a sign-in link.
 * @example await insertSignInLink(db, { id, tokenHash, merchantId, keyId, scope, now, expiresAt })
 */
export async function insertSignInLink(
  db: D1Database,
  row: { id: string; tokenHash: string; merchantId: string; keyId: string; scope: "full" | "read_only"; now: string; expiresAt: string },
): Promise<void> {
  await db.prepare(INSERT_SIGN_IN_LINK_SQL).bind(row.id, row.tokenHash, row.merchantId, row.keyId, row.scope, row.now, row.expiresAt).run();
}

export interface UsedLinkRow {
  merchant_id: string;
  key_id: string;
  scope: "full" | "read_only";
}

/**
 * Uses a sign-in link once: marks it used and answers it, if it was unused, unexpired and its key live.
 * @example await useSignInLink(db, hash, now)
 */
export function useSignInLink(db: D1Database, tokenHash: string, at: string): Promise<UsedLinkRow | null> {
  return db
    .prepare(
      `UPDATE console_sign_in_links SET used_at = ?
       WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?
         AND key_id IN (SELECT id FROM api_keys WHERE revoked_at IS NULL)
       RETURNING merchant_id, key_id, scope`,
    )
    .bind(at, tokenHash, at)
    .first<UsedLinkRow>();
}

/**
 * A merchant's name.
 * @example await merchantName(db, "mer_…")
 */
export async function merchantName(db: D1Database, merchantId: string): Promise<string> {
  const row = await db.prepare("SELECT name FROM merchants WHERE id = ?").bind(merchantId).first<{ name: string }>();
  return row?.name ?? "";
}

/**
 * Records one sign-in attempt from an address and answers how many it made since `since` (this one
 * included) and the attempt's row, to take back if it succeeds.
 * @example const { count, attempt } = await countSignInAttempt(db, "203.0.113.9", now, oneMinuteAgo)
 */
export async function countSignInAttempt(db: D1Database, address: string, at: string, since: string): Promise<{ count: number; attempt: number }> {
  const [, inserted, count] = await db.batch([
    db.prepare("DELETE FROM console_sign_in_attempts WHERE at <= ?").bind(since),
    db.prepare("INSERT INTO console_sign_in_attempts (address, at) VALUES (?, ?) RETURNING rowid AS attempt").bind(address, at),
    db.prepare("SELECT count(*) AS n FROM console_sign_in_attempts WHERE address = ? AND at > ?").bind(address, since),
  ]);
  return { count: (count!.results[0] as { n: number }).n, attempt: (inserted!.results[0] as { attempt: number }).attempt };
}

/** Takes back an attempt that signed in (only failures count against an address). @example await forgetSignInAttempt(db, attempt) */
export async function forgetSignInAttempt(db: D1Database, attempt: number): Promise<void> {
  await db.prepare("DELETE FROM console_sign_in_attempts WHERE rowid = ?").bind(attempt).run();
}
