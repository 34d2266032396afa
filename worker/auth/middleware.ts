/**
 * Authentication: keys only in `Authorization: Bearer …`. Secret keys (`sk_…`) authenticate a
 * merchant's server with scope `full` or `read_only`; client sessions (`cs_…`) a client's browser
 * for one customer. Every authenticated caller is rate limited per key. Keys and sessions are read
 * through this isolate's one-second cache (cache.ts), so a busy key costs one D1 read a second.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors";
import { sha256Hex } from "../lib/crypto";
import type { AppEnv } from "../lib/types";
import { clientSessionByHash, ExpiringLru, secretKeyByHash } from "./cache";
import { requireConsoleWriteHeaders } from "./console-guard";
import { consoleSessionFor, consoleToken } from "./console-sessions";

const RATE_LIMIT_PERIOD_SECONDS = 10;

/**
 * Keys the binding refused, until the end of the binding's window (its windows are aligned to the
 * clock, so a key refused now stays refused until then): a caller past its budget is answered 429
 * without another call. Bounded like the credential caches.
 */
const refusedUntilWindowEnd = new ExpiringLru<true>(RATE_LIMIT_PERIOD_SECONDS * 1000, 4096);

function bearerToken(header: string | undefined): string {
  if (header === undefined || header.trim() === "") {
    throw new ApiError("api_key_missing", "Send your key as 'Authorization: Bearer <key>'.", "Authorization", {
      "www-authenticate": 'Bearer realm="quittance"',
    });
  }
  const match = /^Bearer\s+(\S{1,200})$/i.exec(header.trim());
  if (!match) throw new ApiError("api_key_invalid", "The Authorization header must be 'Bearer <key>'.", "Authorization");
  return match[1]!;
}

/**
 * Counts one request against `key`'s budget (the RATE_LIMITER binding); 429 with Retry-After past it.
 * @example await enforceRateLimit(c.env, `pay:${c.req.header("cf-connecting-ip") ?? "local"}`, "address")
 */
export async function enforceRateLimit(env: Env, key: string, what = "key"): Promise<void> {
  const now = Date.now();
  let refused = refusedUntilWindowEnd.get(key, now) === true;
  if (!refused) {
    const generation = refusedUntilWindowEnd.generation;
    refused = !(await env.RATE_LIMITER.limit({ key })).success;
    const windowStart = now - (now % (RATE_LIMIT_PERIOD_SECONDS * 1000));
    if (refused) refusedUntilWindowEnd.setIfCurrent(key, true, windowStart, generation);
  }
  if (refused) {
    throw new ApiError("rate_limited", `Too many requests for this ${what}; retry in ${RATE_LIMIT_PERIOD_SECONDS} s.`, undefined, {
      "retry-after": String(RATE_LIMIT_PERIOD_SECONDS),
    });
  }
}

async function refuseBadCredential(env: Env, request: Request, message: string): Promise<never> {
  // Guessing keys is rate limited per address too.
  await enforceRateLimit(env, `ip:${request.headers.get("cf-connecting-ip") ?? "local"}`);
  throw new ApiError("api_key_invalid", message, "Authorization");
}

/**
 * Requires a secret key. `write` routes refuse `read_only` keys with 403. A read route may pass
 * `limitAlongside`: the rate limiter then counts while the route runs instead of before it, and its
 * refusal (429) still replaces whatever the route answered. Only for requests whose work has no
 * effect beyond its answer (no write, no stream slot, no wait on the hub).
 * @example invoices.post("/", requireSecretKey("write"), handler)
 * @example requireSecretKey("read", { limitAlongside: (c) => c.req.query("wait") === undefined })
 */
export function requireSecretKey(access: "read" | "write", options: { limitAlongside?: (c: Context<AppEnv>) => boolean } = {}) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const alongside = access === "read" && options.limitAlongside !== undefined && options.limitAlongside(c);
    const cookieToken = c.req.header("authorization") === undefined ? consoleToken(c.req.header("cookie")) : null;
    if (cookieToken !== null) return consoleCaller(c, access, cookieToken, next);
    const token = bearerToken(c.req.header("authorization"));
    if (token.startsWith("cs_") || token.startsWith("pk_")) {
      throw new ApiError("wrong_key_type", "This endpoint needs a secret key (sk_…).", "Authorization");
    }
    if (!token.startsWith("sk_")) await refuseBadCredential(c.env, c.req.raw, "Unknown API key.");
    const row = await secretKeyByHash(c.env.DB, await sha256Hex(token));
    if (row === null) return refuseBadCredential(c.env, c.req.raw, "Unknown or revoked API key.");
    const limited = enforceRateLimit(c.env, row.id);
    if (!alongside) await limited;
    if (access === "write" && row.scope !== "full") {
      throw new ApiError("insufficient_scope", "This key is read-only; writes need a full-access key.", "Authorization");
    }
    c.set("caller", { kind: "secret", merchantId: row.merchant_id, keyId: row.id, scope: row.scope });
    if (!alongside) return next();
    // The route's outcome waits for the limiter's: a refused caller gets its 429, never the route's answer or error.
    const [verdict, outcome] = await Promise.allSettled([limited, next()]);
    if (verdict.status === "rejected") throw verdict.reason;
    if (outcome.status === "rejected") throw outcome.reason;
  });
}

/** A console session's cookie in place of a key: CSRF header and Origin checked on writes, scope of the session. */
async function consoleCaller(c: Context<AppEnv>, access: "read" | "write", token: string, next: () => Promise<void>): Promise<void> {
  requireConsoleWriteHeaders(c.env, c.req.raw);
  const row = await consoleSessionFor(c.env.DB, token, new Date());
  await enforceRateLimit(c.env, row.key_id);
  if (access === "write" && row.scope !== "full") {
    throw new ApiError("insufficient_scope", "This console session is read-only; writes need a full-access key.", "Cookie");
  }
  c.set("caller", { kind: "secret", merchantId: row.merchant_id, keyId: row.key_id, scope: row.scope, consoleSessionId: row.id });
  await next();
}

/** Requires a live client session (`cs_…`). */
export const requireClientSession = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearerToken(c.req.header("authorization"));
  if (!token.startsWith("cs_")) {
    if (token.startsWith("sk_") || token.startsWith("pk_")) {
      throw new ApiError("wrong_key_type", "Client endpoints take a client session (cs_…), minted by POST /v1/client_sessions.", "Authorization");
    }
    await refuseBadCredential(c.env, c.req.raw, "Unknown client session.");
  }
  const sessionHash = await sha256Hex(token);
  const row = await clientSessionByHash(c.env.DB, sessionHash);
  if (row === null) return refuseBadCredential(c.env, c.req.raw, "Unknown client session.");
  if (row.expires_at <= new Date().toISOString()) {
    throw new ApiError("session_expired", "This client session has expired; ask the merchant's server for a new one.", "Authorization");
  }
  await enforceRateLimit(c.env, `cs:${sessionHash.slice(0, 32)}`);
  c.set("caller", { kind: "client", merchantId: row.merchant_id, customerId: row.customer_id, sessionHash, expiresAt: row.expires_at, invoiceId: row.invoice_id });
  await next();
});
