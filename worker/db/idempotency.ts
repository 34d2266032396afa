/**
 * `Idempotency-Key` on POST: the first request with a key runs and its answer is stored (48 h);
 * a retry with the same key and the same request gets that answer again (`Idempotent-Replayed:
 * true`) without running twice; the same key with another request is a 409. A key whose first
 * request is still running answers 409 `idempotency_key_in_use`. Server errors (5xx) are not
 * stored, nor are refused inputs, a lost race or a limit reached (429), so the client can fix and retry them with the same key.
 *
 * Stored answers can hold secrets (a client session's token), so they are kept encrypted
 * (AES-GCM) under a key derived from the Idempotency-Key itself, which only the client knows: the
 * database alone cannot give them back.
 */
import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors";
import { sha256Hex } from "../lib/crypto";
import type { AppEnv } from "../lib/types";

const LOCK_SECONDS = 60;
export const IDEMPOTENCY_RETENTION_HOURS = 48;

interface IdempotencyRow {
  request_hash: string;
  status: number | null;
  response_body: string | null;
  locked_until: string;
}

export const idempotency = createMiddleware<AppEnv>(async (c, next) => {
  const key = c.req.header("idempotency-key");
  if (c.req.method !== "POST" || key === undefined) return next();
  if (key.length < 1 || key.length > 255) {
    throw new ApiError("parameter_invalid", "Idempotency-Key must be 1 to 255 characters.", "Idempotency-Key");
  }
  const caller = c.get("caller");
  const scope = caller.kind === "secret" ? caller.merchantId : `${caller.merchantId}/${caller.customerId}`;
  const requestHash = await sha256Hex(`${c.req.method} ${c.req.path}\n${await c.req.text()}`);
  const db = c.env.DB;
  const now = new Date();
  const lockedUntil = new Date(now.getTime() + LOCK_SECONDS * 1000).toISOString();

  const claimed = await db
    .prepare(
      `INSERT INTO idempotency_keys (scope, key, request_hash, locked_until, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (scope, key) DO UPDATE SET locked_until = excluded.locked_until, request_hash = excluded.request_hash
         WHERE idempotency_keys.status IS NULL AND idempotency_keys.locked_until < ? AND idempotency_keys.request_hash = excluded.request_hash`,
    )
    .bind(scope, key, requestHash, lockedUntil, now.toISOString(), now.toISOString())
    .run();

  if (claimed.meta.changes === 0) {
    const existing = await db
      .prepare("SELECT request_hash, status, response_body, locked_until FROM idempotency_keys WHERE scope = ? AND key = ?")
      .bind(scope, key)
      .first<IdempotencyRow>();
    if (existing === null) throw new ApiError("idempotency_key_in_use", "Retry the request.", "Idempotency-Key");
    if (existing.request_hash !== requestHash) {
      throw new ApiError(
        "idempotency_key_reused",
        "This Idempotency-Key was used with another request; use a new key for a new request.",
        "Idempotency-Key",
      );
    }
    if (existing.status === null) {
      throw new ApiError("idempotency_key_in_use", "A request with this Idempotency-Key is still being processed.", "Idempotency-Key");
    }
    const contentType = existing.status >= 400 ? "application/problem+json" : "application/json";
    return c.body(await unseal(existing.response_body ?? "", scope, key), existing.status as 200, {
      "content-type": contentType,
      "idempotent-replayed": "true",
    });
  }

  await next();

  const body = await c.res.clone().text();
  if (c.res.status >= 500 || isTransient(c.res.status, body)) {
    await db.prepare("DELETE FROM idempotency_keys WHERE scope = ? AND key = ?").bind(scope, key).run();
    return;
  }
  await db
    .prepare("UPDATE idempotency_keys SET status = ?, response_body = ? WHERE scope = ? AND key = ?")
    .bind(c.res.status, await seal(body, scope, key), scope, key)
    .run();
});

/** Answers that are not results of the request's work: refused input or a lost race (as Stripe does, they are not kept). */
const NOT_KEPT = ["concurrent_update", "parameter_missing", "parameter_invalid", "parameter_unknown"].map((code) => `"code":"${code}"`);

function isTransient(status: number, body: string): boolean {
  if (status === 429) return true; // a limit reached: the same request may succeed later
  return (status === 409 || status === 422) && NOT_KEPT.some((code) => body.includes(code));
}

async function answerKey(scope: string, idempotencyKey: string): Promise<CryptoKey> {
  const material = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`quittance-idempotency\n${scope}\n${idempotencyKey}`));
  return crypto.subtle.importKey("raw", material, "AES-GCM", false, ["encrypt", "decrypt"]);
}

/** Encrypts a stored answer: base64(iv ‖ ciphertext). */
async function seal(body: string, scope: string, idempotencyKey: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await answerKey(scope, idempotencyKey), new TextEncoder().encode(body));
  const bytes = new Uint8Array(12 + ciphertext.byteLength);
  bytes.set(iv);
  bytes.set(new Uint8Array(ciphertext), 12);
  let binary = "";
  for (let index = 0; index < bytes.length; index += 0x8000) binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  return btoa(binary);
}

async function unseal(stored: string, scope: string, idempotencyKey: string): Promise<string> {
  const bytes = Uint8Array.from(atob(stored), (char) => char.charCodeAt(0));
  const plaintext = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.slice(0, 12) }, await answerKey(scope, idempotencyKey), bytes.slice(12));
  return new TextDecoder().decode(plaintext);
}
