/**
 * The tamper-evident hash chain over each merchant's events:
 *   hash(n) = SHA-256(hash(n−1) + "|" + canonical(event n)),  hash(−1) = 64 zeros.
 * Events are appended unsealed and sealed here in seq order. Sealing is a pure function of the
 * rows, so two sealers running at once compute the same hashes (the UPDATE only fills empty
 * hashes) and the chain cannot fork. `verifyChain` recomputes everything and names the first
 * broken link; it runs in the Worker and in the `audit:verify` command alike.
 */
import { sha256Hex } from "../lib/crypto";
import { eventId, type EventRow } from "./log";

export const GENESIS_HASH = "0".repeat(64);

/** The exact text hashed for one event: every column but the chain's own. */
export function canonicalEvent(row: EventRow): string {
  return JSON.stringify([
    row.seq,
    row.id_suffix,
    row.merchant_id,
    row.type,
    row.invoice_id,
    row.payment_id,
    row.customer_id,
    row.data,
    row.created_at,
  ]);
}

export function linkHash(previousHash: string, row: EventRow): Promise<string> {
  return sha256Hex(`${previousHash}|${canonicalEvent(row)}`);
}

const PAGE = 500;

/** Seals every unsealed event of a merchant, in order. Safe to run concurrently. */
export async function sealChain(db: D1Database, merchantId: string): Promise<number> {
  let sealed = 0;
  for (;;) {
    const [last, pending] = await db.batch<EventRow>([
      db.prepare("SELECT * FROM events WHERE merchant_id = ? AND hash IS NOT NULL ORDER BY seq DESC LIMIT 1").bind(merchantId),
      db.prepare("SELECT * FROM events WHERE merchant_id = ? AND hash IS NULL ORDER BY seq LIMIT ?").bind(merchantId, PAGE),
    ]);
    const rows = pending!.results;
    if (rows.length === 0) return sealed;
    let previous = last!.results[0]?.hash ?? GENESIS_HASH;
    const lastSealedSeq = last!.results[0]?.seq ?? 0;
    const updates: D1PreparedStatement[] = [];
    for (const row of rows) {
      if (row.seq < lastSealedSeq) continue; // a concurrent sealer got further meanwhile: re-read
      const hash = await linkHash(previous, row);
      updates.push(
        db.prepare("UPDATE events SET prev_hash = ?, hash = ? WHERE seq = ? AND hash IS NULL").bind(previous, hash, row.seq),
      );
      previous = hash;
    }
    if (updates.length > 0) await db.batch(updates);
    sealed += updates.length;
    if (rows.length < PAGE) return sealed;
  }
}

export interface ChainReport {
  ok: boolean;
  events_checked: number;
  unsealed: number;
  first_broken: { event: string; event_seq: number; reason: "hash_mismatch" | "prev_hash_mismatch" | "sealed_after_unsealed" } | null;
}

/**
 * Recomputes a merchant's chain from rows given in seq order (any number of pages: call with the
 * state returned by the previous call). Names the first link that does not hold.
 */
export async function verifyRows(
  rows: readonly EventRow[],
  state: { previousHash: string; checked: number; unsealed: number } = { previousHash: GENESIS_HASH, checked: 0, unsealed: 0 },
): Promise<{ report: ChainReport; state: { previousHash: string; checked: number; unsealed: number } }> {
  let { previousHash, checked, unsealed } = state;
  for (const row of rows) {
    const fail = (reason: NonNullable<ChainReport["first_broken"]>["reason"]) => ({
      report: { ok: false, events_checked: checked, unsealed, first_broken: { event: eventId(row), event_seq: row.seq, reason } },
      state: { previousHash, checked, unsealed },
    });
    if (row.hash === null) {
      unsealed += 1;
      continue;
    }
    if (unsealed > 0) return fail("sealed_after_unsealed");
    if (row.prev_hash !== previousHash) return fail("prev_hash_mismatch");
    if ((await linkHash(previousHash, row)) !== row.hash) return fail("hash_mismatch");
    previousHash = row.hash;
    checked += 1;
  }
  return { report: { ok: true, events_checked: checked, unsealed, first_broken: null }, state: { previousHash, checked, unsealed } };
}

/** Verifies a merchant's whole chain in D1, page by page. */
export async function verifyChain(db: D1Database, merchantId: string): Promise<ChainReport> {
  let state = { previousHash: GENESIS_HASH, checked: 0, unsealed: 0 };
  let afterSeq = 0;
  for (;;) {
    const { results } = await db
      .prepare("SELECT * FROM events WHERE merchant_id = ? AND seq > ? ORDER BY seq LIMIT ?")
      .bind(merchantId, afterSeq, PAGE)
      .all<EventRow>();
    const outcome = await verifyRows(results, state);
    if (!outcome.report.ok || results.length < PAGE) return outcome.report;
    state = outcome.state;
    afterSeq = results[results.length - 1]!.seq;
  }
}
