/**
 * One-time console sign-in links, made from the command line (`npm run merchant -- console-link`)
 * and by `npm start` for the demo merchant. The link is bound to one of the merchant's live secret
 * keys (full, or read-only for the accountant), works once within 15 minutes, and carries its token
 * in the URL's fragment, which browsers never send to a server (so no log holds it). Only the
 * token's SHA-256 is stored.
 */
import { INSERT_SIGN_IN_LINK_SQL } from "../auth/console-queries";
import { SIGN_IN_LINK_SECONDS } from "../auth/console-sessions";
import { newId, newSecret, sha256Hex } from "../lib/crypto";
import { executeWrites, queryRows, sqlLiteral, type D1Target } from "./d1";

export interface ConsoleLink {
  url: string;
  merchant: string;
  scope: "full" | "read_only";
  expires_at: string;
}

/**
 * Makes a sign-in link for a merchant's console; throws when the merchant has no live key of that scope.
 * @example (await makeConsoleLink("mer_…", { readOnly: false, base: "http://127.0.0.1:8787" }, { remote: false })).url
 */
export async function makeConsoleLink(merchantId: string, options: { readOnly: boolean; base: string; now?: Date }, target: D1Target): Promise<ConsoleLink> {
  const scope = options.readOnly ? "read_only" : "full";
  const [key] = queryRows<{ id: string }>(
    `SELECT id FROM api_keys WHERE merchant_id = ${sqlLiteral(merchantId)} AND kind = 'secret' AND scope = ${sqlLiteral(scope)} AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1`,
    target,
  );
  if (!key) throw new Error(`no merchant ${merchantId} with a live ${scope === "full" ? "secret" : "read-only"} key`);
  const now = options.now ?? new Date();
  const token = newSecret("qcl_");
  const expiresAt = new Date(now.getTime() + SIGN_IN_LINK_SECONDS * 1000).toISOString();
  executeWrites([{ sql: INSERT_SIGN_IN_LINK_SQL, params: [newId("csl"), await sha256Hex(token), merchantId, key.id, scope, now.toISOString(), expiresAt] }], target);
  return { url: `${new URL(options.base).origin}/console/sign-in#link=${token}`, merchant: merchantId, scope, expires_at: expiresAt };
}
