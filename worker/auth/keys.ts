/**
 * API keys and client sessions. A key is shown once, at creation; only its SHA-256 is stored,
 * with a visible prefix so a merchant can tell keys apart.
 */
import { newId, newSecret, sha256Hex } from "../lib/crypto";

export type KeyScope = "full" | "read_only" | "publishable";

export interface IssuedKey {
  id: string;
  secret: string;
  prefix: string;
  scope: KeyScope;
  hash: string;
}

const VISIBLE_CHARS = 6;

/** Creates a key (not yet stored). Secret keys start `sk_test_`/`sk_live_`, publishable ones `pk_…`. */
export async function issueKey(scope: KeyScope, livemode: boolean): Promise<IssuedKey> {
  const mode = livemode ? "live" : "test";
  const kind = scope === "publishable" ? "pk" : "sk";
  const prefix = scope === "read_only" ? `${kind}_${mode}_ro_` : `${kind}_${mode}_`;
  const secret = newSecret(prefix);
  return {
    id: newId("key"),
    secret,
    prefix: secret.slice(0, prefix.length + VISIBLE_CHARS),
    scope,
    hash: await sha256Hex(secret),
  };
}

/** A write as SQL text and parameters, runnable through D1 or rendered for `wrangler d1 execute`. */
export interface SqlWrite {
  sql: string;
  params: (string | number | null)[];
}

function keyWrite(merchantId: string, key: IssuedKey, at: string): SqlWrite {
  return {
    sql: "INSERT INTO api_keys (id, merchant_id, kind, scope, prefix, key_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    params: [key.id, merchantId, key.scope === "publishable" ? "publishable" : "secret", key.scope, key.prefix, key.hash, at],
  };
}

export interface MerchantCredentials {
  merchantId: string;
  secretKey: string;
  readOnlyKey: string;
  publishableKey: string;
  /** The writes that create the merchant, its default settings and its three keys, in order. */
  writes: SqlWrite[];
}

/** Everything needed to create a merchant with its three keys (a full, a read-only and a publishable key). */
export async function prepareMerchant(input: {
  name: string;
  livemode: boolean;
  now: Date;
  settingsJson: string;
  merchantId?: string;
}): Promise<MerchantCredentials> {
  const merchantId = input.merchantId ?? newId("mer");
  const [full, readOnly, publishable] = await Promise.all([
    issueKey("full", input.livemode),
    issueKey("read_only", input.livemode),
    issueKey("publishable", input.livemode),
  ]);
  const at = input.now.toISOString();
  return {
    merchantId,
    secretKey: full.secret,
    readOnlyKey: readOnly.secret,
    publishableKey: publishable.secret,
    writes: [
      { sql: "INSERT INTO merchants (id, name, livemode, created_at) VALUES (?, ?, ?, ?)", params: [merchantId, input.name, input.livemode ? 1 : 0, at] },
      { sql: "INSERT INTO settings (merchant_id, data, updated_at) VALUES (?, ?, ?)", params: [merchantId, input.settingsJson, at] },
      keyWrite(merchantId, full, at),
      keyWrite(merchantId, readOnly, at),
      keyWrite(merchantId, publishable, at),
    ],
  };
}

export interface KeyRotation {
  secretKey: string;
  readOnlyKey: string;
  publishableKey: string;
  /** The writes, for one transaction: revoke the old keys and the client sessions, maybe disable the webhook endpoints, add the new keys. */
  writes: SqlWrite[];
}

/**
 * Everything a key rotation writes. Client sessions minted with the old keys must not outlive
 * them: they are revoked (their tokens answer 401, and the hub closes their streams when it next
 * reads the session rows); webhook endpoints registered with the old keys are disabled if asked.
 */
export async function prepareRotation(input: { merchantId: string; livemode: boolean; now: Date; disableWebhooks: boolean }): Promise<KeyRotation> {
  const [full, readOnly, publishable] = await Promise.all([
    issueKey("full", input.livemode),
    issueKey("read_only", input.livemode),
    issueKey("publishable", input.livemode),
  ]);
  const at = input.now.toISOString();
  const { merchantId } = input;
  return {
    secretKey: full.secret,
    readOnlyKey: readOnly.secret,
    publishableKey: publishable.secret,
    writes: [
      { sql: "UPDATE api_keys SET revoked_at = ? WHERE merchant_id = ? AND revoked_at IS NULL", params: [at, merchantId] },
      { sql: "UPDATE client_sessions SET revoked_at = ? WHERE merchant_id = ? AND revoked_at IS NULL", params: [at, merchantId] },
      // Console sessions and sign-in links die with their key anyway (their reads join it); revoked here too, so the rows say so.
      { sql: "UPDATE console_sessions SET revoked_at = ? WHERE merchant_id = ? AND revoked_at IS NULL", params: [at, merchantId] },
      { sql: "UPDATE console_sign_in_links SET used_at = ? WHERE merchant_id = ? AND used_at IS NULL", params: [at, merchantId] },
      ...(input.disableWebhooks
        ? [{ sql: "UPDATE webhook_endpoints SET status = 'disabled', consecutive_failures = 0, disabled_at = ? WHERE merchant_id = ? AND status = 'active'", params: [at, merchantId] }]
        : []),
      keyWrite(merchantId, full, at),
      keyWrite(merchantId, readOnly, at),
      keyWrite(merchantId, publishable, at),
    ],
  };
}

/** Binds writes as D1 statements. */
export function toStatements(db: D1Database, writes: readonly SqlWrite[]): D1PreparedStatement[] {
  return writes.map((write) => db.prepare(write.sql).bind(...write.params));
}
