/**
 * Client sessions (`cs_…`): what a client's browser holds instead of a key. Minted in one place
 * for every caller — the merchant's server (`POST /v1/client_sessions`), the hosted pay page (a
 * session reaching its one invoice) and the local demo. Only the token's SHA-256 is stored.
 */
import { newId, newSecret, sha256Hex } from "../lib/crypto";
import { insertClientSession, revokeClientSession, revokeCustomerSessions, type RevokedSessionRow } from "./queries";

export const DEFAULT_SESSION_TTL_SECONDS = 3600;

/**
 * Mints a session for one customer (and, for a pay-page session, one invoice only).
 * The id (`sess_…`) names it for revocation; the token is the credential.
 * @example const { id, token, expiresAt } = await mintClientSession(env.DB, { merchantId, customerId, ttlSeconds: 3600, now: new Date() })
 */
export async function mintClientSession(
  db: D1Database,
  input: { merchantId: string; customerId: string; invoiceId?: string | null; ttlSeconds: number; now: Date },
): Promise<{ id: string; token: string; expiresAt: string }> {
  const id = newId("sess");
  const token = newSecret("cs_");
  const expiresAt = new Date(input.now.getTime() + input.ttlSeconds * 1000).toISOString();
  await insertClientSession(db, {
    id,
    tokenHash: await sha256Hex(token),
    merchantId: input.merchantId,
    customerId: input.customerId,
    invoiceId: input.invoiceId ?? null,
    expiresAt,
    createdAt: input.now.toISOString(),
  });
  return { id, token, expiresAt };
}

/**
 * Revokes sessions: its token answers 401 from now on, and the merchant's hub closes its streams
 * (`session_revoked`) at the next keep-alive, when it reads the session rows.
 */
export function revokeSession(db: D1Database, merchantId: string, id: string, now: Date): Promise<RevokedSessionRow | null> {
  return revokeClientSession(db, merchantId, id, now.toISOString());
}

/** Revokes every live session of a customer (the hosted pay page's too); answers how many. */
export function revokeSessionsOf(db: D1Database, merchantId: string, customerId: string, now: Date): Promise<number> {
  return revokeCustomerSessions(db, merchantId, customerId, now.toISOString());
}
