/**
 * Client sessions (`cs_…`): what a client's browser holds instead of a key. Minted in one place
 * for every caller — the merchant's server (`POST /v1/client_sessions`), the hosted pay page (a
 * session reaching its one invoice) and the local demo. Only the token's SHA-256 is stored.
 */
import { newSecret, sha256Hex } from "../lib/crypto";
import { insertClientSession } from "./queries";

export const DEFAULT_SESSION_TTL_SECONDS = 3600;

/**
 * Mints a session for one customer (and, for a pay-page session, one invoice only).
 * @example const { token, expiresAt } = await mintClientSession(env.DB, { merchantId, customerId, ttlSeconds: 3600, now: new Date() })
 */
export async function mintClientSession(
  db: D1Database,
  input: { merchantId: string; customerId: string; invoiceId?: string | null; ttlSeconds: number; now: Date },
): Promise<{ token: string; expiresAt: string }> {
  const token = newSecret("cs_");
  const expiresAt = new Date(input.now.getTime() + input.ttlSeconds * 1000).toISOString();
  await insertClientSession(db, {
    tokenHash: await sha256Hex(token),
    merchantId: input.merchantId,
    customerId: input.customerId,
    invoiceId: input.invoiceId ?? null,
    expiresAt,
    createdAt: input.now.toISOString(),
  });
  return { token, expiresAt };
}
