/**
 * Client sessions (`cs_…`): what a client's browser holds instead of a key. Minted in one place
 * for every caller — the merchant's server (`POST /v1/client_sessions`), the hosted pay page (a
 * session reaching its one invoice, reused by the same browser) and the local demo. Only the
 * token's SHA-256 is stored.
 */
import { newId, newSecret, sha256Hex } from "../lib/crypto";
import { findClientSession, insertClientSession, revokeClientSession, revokeCustomerSessions, type RevokedSessionRow } from "./queries";

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

/** What a session token looks like (`newSecret("cs_")`): anything else is not looked up. */
const SESSION_TOKEN = /^cs_[0-9a-z]{32}$/;

/**
 * The session a browser already holds (`held`, e.g. from a cookie) when it is live, reaches exactly
 * this merchant, customer and invoice, and has at least `minRemainingSeconds` left; otherwise a new
 * one. So a page opened again and again mints one session, not one per view.
 * @example const { token, minted } = await reuseOrMintClientSession(env.DB, cookie, { merchantId, customerId, invoiceId, ttlSeconds: 3600, minRemainingSeconds: 600, now })
 */
export async function reuseOrMintClientSession(
  db: D1Database,
  held: string | undefined,
  input: { merchantId: string; customerId: string; invoiceId: string; ttlSeconds: number; minRemainingSeconds: number; now: Date },
): Promise<{ token: string; expiresAt: string; minted: boolean }> {
  if (held !== undefined && SESSION_TOKEN.test(held)) {
    const row = await findClientSession(db, await sha256Hex(held));
    const live = row !== null && Date.parse(row.expires_at) - input.now.getTime() >= input.minRemainingSeconds * 1000;
    if (live && row.merchant_id === input.merchantId && row.customer_id === input.customerId && row.invoice_id === input.invoiceId) {
      return { token: held, expiresAt: row.expires_at, minted: false };
    }
  }
  const { merchantId, customerId, invoiceId, ttlSeconds, now } = input;
  return { ...(await mintClientSession(db, { merchantId, customerId, invoiceId, ttlSeconds, now })), minted: true };
}
