/** What the hub and stream opening read from D1: the merchant's log, and whether open streams may go on. */
import type { EventRow } from "../events/log";
import { CONSOLE_IDLE_SECONDS } from "../auth/console-sessions";

/** The seq of the merchant's latest event (0 when the log is empty). */
export async function headSeq(db: D1Database, merchantId: string): Promise<number> {
  const row = await db.prepare("SELECT max(seq) AS seq FROM events WHERE merchant_id = ?").bind(merchantId).first<{ seq: number | null }>();
  return row?.seq ?? 0;
}

/** One page of the merchant's events after `afterSeq`, oldest first. */
export async function eventsAfter(db: D1Database, merchantId: string, afterSeq: number, limit: number): Promise<EventRow[]> {
  const { results } = await db.prepare("SELECT * FROM events WHERE merchant_id = ? AND seq > ? ORDER BY seq LIMIT ?").bind(merchantId, afterSeq, limit).all<EventRow>();
  return results;
}

/** Whether the merchant has more than `count` events after `afterSeq` (walks at most `count + 1` index entries). */
export async function hasMoreEventsAfter(db: D1Database, merchantId: string, afterSeq: number, count: number): Promise<boolean> {
  const row = await db.prepare("SELECT seq FROM events WHERE merchant_id = ? AND seq > ? ORDER BY seq LIMIT 1 OFFSET ?").bind(merchantId, afterSeq, count).first();
  return row !== null;
}

/** Whether the invoice has an event after `sinceSeq`. */
export async function invoiceChangedSince(db: D1Database, invoiceId: string, sinceSeq: number): Promise<boolean> {
  return (await db.prepare("SELECT 1 FROM events WHERE invoice_id = ? AND seq > ? LIMIT 1").bind(invoiceId, sinceSeq).first()) !== null;
}

/** Which of these keys are revoked now. */
export async function revokedKeyIds(db: D1Database, keyIds: readonly string[]): Promise<Set<string>> {
  if (keyIds.length === 0) return new Set();
  const { results } = await db
    .prepare("SELECT id FROM api_keys WHERE id IN (SELECT value FROM json_each(?)) AND revoked_at IS NOT NULL")
    .bind(JSON.stringify(keyIds))
    .all<{ id: string }>();
  return new Set(results.map((row) => row.id));
}

/** The console sessions among these that are revoked, past their 12 h or idle for 2 h at `now` (a missing row counts as ended). */
export async function endedConsoleSessions(db: D1Database, ids: readonly string[], now: string): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const idleSince = new Date(Date.parse(now) - CONSOLE_IDLE_SECONDS * 1000).toISOString();
  const { results } = await db
    .prepare("SELECT id FROM console_sessions WHERE id IN (SELECT value FROM json_each(?)) AND revoked_at IS NULL AND expires_at > ? AND last_seen_at > ?")
    .bind(JSON.stringify(ids), now, idleSince)
    .all<{ id: string }>();
  const live = new Set(results.map((row) => row.id));
  return new Set(ids.filter((id) => !live.has(id)));
}

/** The sessions among these that ended by `now`, as their row says now (a missing row was purged after expiry). */
export async function endedSessions(db: D1Database, hashes: readonly string[], now: string): Promise<Map<string, "session_expired" | "session_revoked">> {
  const ended = new Map<string, "session_expired" | "session_revoked">();
  if (hashes.length === 0) return ended;
  const { results } = await db
    .prepare("SELECT token_hash, expires_at, revoked_at FROM client_sessions WHERE token_hash IN (SELECT value FROM json_each(?))")
    .bind(JSON.stringify(hashes))
    .all<{ token_hash: string; expires_at: string; revoked_at: string | null }>();
  const rows = new Map(results.map((row) => [row.token_hash, row]));
  for (const hash of hashes) {
    const row = rows.get(hash);
    if (row?.revoked_at) ended.set(hash, "session_revoked");
    else if (row === undefined || row.expires_at <= now) ended.set(hash, "session_expired");
  }
  return ended;
}
