/**
 * Client sessions (`cs_…`): what a client's browser holds instead of a key. Minted in one place
 * for every caller — the merchant's server (`POST /v1/client_sessions`), the hosted pay page (a
 * session reaching its one invoice, reused by the same browser) and the local demo. Only the
 * token's SHA-256 is stored.
 */
import { newId, newSecret, sha256Hex } from "../lib/crypto";
import { forgetClientSessions } from "./cache";
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
 * Revokes sessions: its token answers 401 from now on (this isolate forgets it at once, the others
 * within a second: see cache.ts), and the merchant's hub closes its streams
 * (`session_revoked`) at the next keep-alive, when it reads the session rows.
 */
export async function revokeSession(db: D1Database, merchantId: string, id: string, now: Date): Promise<RevokedSessionRow | null> {
  const revoked = await revokeClientSession(db, merchantId, id, now.toISOString());
  // After the write: a read that starts from now on sees the revocation, one already under way cannot cache what it read.
  forgetClientSessions((session) => session.merchant_id === merchantId && session.id === id);
  return revoked;
}

/** Revokes every live session of a customer (the hosted pay page's too); answers how many. */
export async function revokeSessionsOf(db: D1Database, merchantId: string, customerId: string, now: Date): Promise<number> {
  const revoked = await revokeCustomerSessions(db, merchantId, customerId, now.toISOString());
  forgetClientSessions((session) => session.merchant_id === merchantId && session.customer_id === customerId);
  return revoked;
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
