/**
 * Console sessions: the merchant's back office in a browser, signed in once with a secret key (or a
 * one-time sign-in link made by the CLI) and then carried by an HttpOnly `__Host-` cookie. A session
 * has the scope of the key it was made from and dies with it (rotation), at sign-out, after 2 h idle
 * or 12 h in all. Only SHA-256 digests of tokens are stored.
 */
import { ApiError } from "../errors";
import { newId, newSecret, sha256Hex } from "../lib/crypto";
import { cachedRead, ExpiringLru, AUTH_CACHE_MAX_ENTRIES, AUTH_CACHE_TTL_MS, secretKeyByHash } from "./cache";
import {
  findConsoleSession, insertConsoleSession, insertSignInLink, merchantName, revokeConsoleSessionRow, revokeMerchantConsoleSessions,
  touchConsoleSession, useSignInLink, countSignInAttempt, forgetSignInAttempt, type ConsoleSessionRow,
} from "./console-queries";

export const CONSOLE_COOKIE = "__Host-quittance_console";
/** A session ends 12 h after sign-in, whatever happens. */
export const CONSOLE_ABSOLUTE_SECONDS = 12 * 3600;
/** A session left alone 2 h ends. */
export const CONSOLE_IDLE_SECONDS = 2 * 3600;
/** A sign-in link works once, within 15 minutes. */
export const SIGN_IN_LINK_SECONDS = 15 * 60;
/** The idle clock is written at most once a minute per session. */
const TOUCH_EVERY_MS = 60_000;

const sessions = new ExpiringLru<ConsoleSessionRow>(AUTH_CACHE_TTL_MS, AUTH_CACHE_MAX_ENTRIES);

/** The console session object the API answers. */
export interface ConsoleSessionView {
  object: "console_session";
  merchant: { id: string; name: string };
  scope: "full" | "read_only";
  expires_at: string;
  idle_expires_at: string;
}

/**
 * What the API answers about a session.
 * @example c.json(consoleSessionView(row))
 */
export function consoleSessionView(row: ConsoleSessionRow): ConsoleSessionView {
  const idle = new Date(Date.parse(row.last_seen_at) + CONSOLE_IDLE_SECONDS * 1000).toISOString();
  return {
    object: "console_session", merchant: { id: row.merchant_id, name: row.merchant_name }, scope: row.scope,
    expires_at: row.expires_at, idle_expires_at: idle < row.expires_at ? idle : row.expires_at,
  };
}

async function startSession(db: D1Database, grant: { merchantId: string; keyId: string; scope: "full" | "read_only" }, now: Date) {
  const token = newSecret("qcs_");
  const at = now.toISOString();
  const expiresAt = new Date(now.getTime() + CONSOLE_ABSOLUTE_SECONDS * 1000).toISOString();
  const id = newId("csn");
  await insertConsoleSession(db, { id, tokenHash: await sha256Hex(token), ...grant, now: at, expiresAt });
  const row: ConsoleSessionRow = {
    id, merchant_id: grant.merchantId, merchant_name: await merchantName(db, grant.merchantId), key_id: grant.keyId, scope: grant.scope,
    created_at: at, last_seen_at: at, expires_at: expiresAt,
  };
  return { token, row };
}

/**
 * Signs in with a secret key or a one-time link; 401 when neither is good.
 * @example const { token, row } = await signIn(env.DB, { key: "sk_…" }, new Date())
 */
export async function signIn(db: D1Database, credential: { key: string } | { link: string }, now: Date) {
  if ("key" in credential) {
    const key = credential.key.startsWith("sk_") ? await secretKeyByHash(db, await sha256Hex(credential.key)) : null;
    if (key === null) throw new ApiError("api_key_invalid", "Unknown or revoked secret key.", "key");
    return startSession(db, { merchantId: key.merchant_id, keyId: key.id, scope: key.scope }, now);
  }
  const link = credential.link.startsWith("qcl_") ? await useSignInLink(db, await sha256Hex(credential.link), now.toISOString()) : null;
  if (link === null) throw new ApiError("api_key_invalid", "This sign-in link is unknown, used or expired; make a new one.", "link");
  return startSession(db, { merchantId: link.merchant_id, keyId: link.key_id, scope: link.scope }, now);
}

/**
 * The live session a cookie token names, or a 401 (`console_session_missing` / `console_session_expired`).
 * Keeps its idle clock moving.
 * @example const row = await consoleSessionFor(env.DB, token, new Date())
 */
export async function consoleSessionFor(db: D1Database, token: string, now: Date): Promise<ConsoleSessionRow> {
  const hash = await sha256Hex(token);
  const row = token.startsWith("qcs_") ? await cachedRead(sessions, hash, () => findConsoleSession(db, hash)) : null;
  if (row === null) throw new ApiError("console_session_missing", "Not signed in to the console (or the session was revoked).", "Cookie");
  const at = now.toISOString();
  const idleEnd = new Date(Date.parse(row.last_seen_at) + CONSOLE_IDLE_SECONDS * 1000).toISOString();
  if (row.expires_at <= at || idleEnd <= at) {
    throw new ApiError("console_session_expired", "This console session has expired; sign in again.", "Cookie");
  }
  if (now.getTime() - Date.parse(row.last_seen_at) >= TOUCH_EVERY_MS) {
    await touchConsoleSession(db, row.id, at);
    row.last_seen_at = at;
  }
  return row;
}

/**
 * Ends one session (sign-out), in D1 and in this isolate's cache.
 * @example await signOut(env.DB, "csn_…", new Date())
 */
export async function signOut(db: D1Database, id: string, now: Date): Promise<void> {
  await revokeConsoleSessionRow(db, id, now.toISOString());
  sessions.forgetWhere((row) => row.id === id);
}

/**
 * Ends every console session and unused link of a merchant (key rotation).
 * @example await revokeConsoleSessionsOf(env.DB, "mer_…", new Date())
 */
export async function revokeConsoleSessionsOf(db: D1Database, merchantId: string, now: Date): Promise<number> {
  const count = await revokeMerchantConsoleSessions(db, merchantId, now.toISOString());
  sessions.forgetWhere((row) => row.merchant_id === merchantId);
  return count;
}

/**
 * Makes a one-time sign-in link token bound to a key (tests and the Worker; the CLI writes the same row through wrangler).
 * @example const link = await mintSignInLink(env.DB, { merchantId, keyId, scope: "full" }, new Date())
 */
export async function mintSignInLink(db: D1Database, grant: { merchantId: string; keyId: string; scope: "full" | "read_only" }, now: Date): Promise<string> {
  const token = newSecret("qcl_");
  const expiresAt = new Date(now.getTime() + SIGN_IN_LINK_SECONDS * 1000).toISOString();
  await insertSignInLink(db, { id: newId("csl"), tokenHash: await sha256Hex(token), ...grant, now: now.toISOString(), expiresAt });
  return token;
}

/**
 * The Set-Cookie value of a new session, or (no token) of a sign-out.
 * @example c.header("set-cookie", consoleCookie(token))
 */
export function consoleCookie(token: string | null): string {
  const maxAge = token === null ? 0 : CONSOLE_ABSOLUTE_SECONDS;
  return `${CONSOLE_COOKIE}=${token ?? ""}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=${maxAge}`;
}

/**
 * The console token in a Cookie header, if any.
 * @example consoleToken(c.req.header("cookie"))
 */
export function consoleToken(cookieHeader: string | undefined): string | null {
  if (cookieHeader === undefined) return null;
  for (const part of cookieHeader.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === CONSOLE_COOKIE) return value.join("=").trim() || null;
  }
  return null;
}

/** Failed sign-in attempts an address may make per minute. */
export const SIGN_IN_ATTEMPTS_PER_MINUTE = 10;

/**
 * Signs in through `attempt`, counted against the address: past SIGN_IN_ATTEMPTS_PER_MINUTE failed
 * attempts in a minute every attempt from it answers 429 with Retry-After, good key or not. Each
 * attempt is counted before it is checked (so a burst of parallel guesses cannot outrun the count)
 * and taken back when it signs in: an office of people behind one address never locks itself out.
 * @example const signed = await limitedSignIn(env.DB, ip, new Date(), () => signIn(env.DB, body, new Date()))
 */
export async function limitedSignIn<T>(db: D1Database, address: string, now: Date, attempt: () => Promise<T>): Promise<T> {
  const since = new Date(now.getTime() - 60_000).toISOString();
  const counted = await countSignInAttempt(db, address, now.toISOString(), since);
  if (counted.count > SIGN_IN_ATTEMPTS_PER_MINUTE) {
    throw new ApiError("rate_limited", `Too many failed sign-in attempts from this address; retry in 60 s.`, undefined, { "retry-after": "60" });
  }
  const signed = await attempt();
  await forgetSignInAttempt(db, counted.attempt);
  return signed;
}
