/**
 * The tamper-evident hash chain over each merchant's events:
 *   hash(n) = SHA-256(hash(n−1) + "|" + canonical(event n)),  hash(−1) = 64 zeros.
 * Events are appended unsealed and sealed here in seq order. Sealing is a pure function of the
 * rows, so two sealers running at once compute the same hashes (the UPDATE only fills empty
 * hashes) and the chain cannot fork.
 *
 * Verification only reads: it never seals. The chain alone cannot tell a row edited and resealed
 * (its hash, and every later one, nulled for the sealer to recompute) or the newest rows deleted,
 * so it is also checked against the latest signed checkpoint of the chain head (./checkpoint.ts):
 * the event at the checkpointed seq must still carry the signed hash, with as many events up to it
 * as were counted. `ChainVerifier` runs in the Worker and in the `audit:verify` command alike.
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

/** A point of the chain: the event at `seq` has `hash`, and the merchant has `count` events up to it. */
export interface ChainPoint {
  seq: number;
  hash: string;
  count: number;
}

/** A chain point signed with the deployment's checkpoint key (./checkpoint.ts). */
export interface ChainCheckpoint extends ChainPoint {
  merchant: string;
  /** When it was signed (ISO 8601). */
  at: string;
  /** Hex HMAC-SHA256 of the fields above. */
  signature: string;
}

export type BreakReason = "hash_mismatch" | "prev_hash_mismatch" | "sealed_after_unsealed" | "unsealed_before_checkpoint";

/**
 * How the log compares with a signed checkpoint: `holds`; `truncated` (fewer events up to the
 * checkpointed seq than it counted: the newest ones, or some in between, were deleted); `resealed`
 * (the event at the checkpointed seq no longer has the signed hash: hashes were removed or
 * recomputed over edited rows).
 */
export type CheckpointStatus = "holds" | "truncated" | "resealed";

export interface ChainVerification {
  ok: boolean;
  events_checked: number;
  unsealed: number;
  first_broken: { event: string; event_seq: number; reason: BreakReason } | null;
  checkpoint_status: CheckpointStatus | null;
}

/**
 * Recomputes a merchant's chain from rows fed in seq order, a page at a time, and compares it with
 * a checkpoint (`anchor`). `start` resumes after a point already verified (the signer's case).
 * @example const verifier = new ChainVerifier(anchor); while (verifier.needsMore) verifier.add(await nextPage(verifier.lastSeq))
 */
export class ChainVerifier {
  private previousHash: string;
  private checked: number;
  private unsealed = 0;
  private broken: ChainVerification["first_broken"] = null;
  private headSeq: number;
  private countedToAnchor = 0;
  private hashAtAnchor: string | null | undefined = undefined;
  /** The seq of the last row fed (the next page starts after it). */
  lastSeq: number;

  constructor(
    private readonly anchor: ChainPoint | null = null,
    start: ChainPoint | null = null,
  ) {
    this.previousHash = start?.hash ?? GENESIS_HASH;
    this.checked = start?.count ?? 0;
    this.headSeq = start?.seq ?? 0;
    this.lastSeq = start?.seq ?? 0;
  }

  /** Whether further rows could change the outcome: none once the chain broke and the checkpoint is passed. */
  get needsMore(): boolean {
    return this.broken === null || (this.anchor !== null && this.lastSeq < this.anchor.seq);
  }

  /** The last sealed event that links, with the count of events up to it. */
  get head(): ChainPoint {
    return { seq: this.headSeq, hash: this.previousHash, count: this.checked };
  }

  get pending(): number {
    return this.unsealed;
  }

  async add(rows: readonly EventRow[]): Promise<void> {
    for (const row of rows) {
      this.lastSeq = row.seq;
      const belowAnchor = this.anchor !== null && row.seq <= this.anchor.seq;
      if (belowAnchor) this.countedToAnchor += 1;
      if (row.seq === this.anchor?.seq) this.hashAtAnchor = row.hash;
      if (this.broken !== null) continue;
      const fail = (reason: BreakReason) => (this.broken = { event: eventId(row), event_seq: row.seq, reason });
      if (row.hash === null) {
        // Everything up to the checkpoint was sealed when it was signed: a hash is missing there only if someone removed it.
        if (belowAnchor) fail("unsealed_before_checkpoint");
        else this.unsealed += 1;
        continue;
      }
      if (this.unsealed > 0) fail("sealed_after_unsealed");
      else if (row.prev_hash !== this.previousHash) fail("prev_hash_mismatch");
      else if ((await linkHash(this.previousHash, row)) !== row.hash) fail("hash_mismatch");
      else {
        this.previousHash = row.hash;
        this.headSeq = row.seq;
        this.checked += 1;
      }
    }
  }

  /** The outcome once every needed row was fed. */
  result(): ChainVerification {
    let status: CheckpointStatus | null = null;
    if (this.anchor !== null) {
      if (this.countedToAnchor < this.anchor.count) status = "truncated";
      else if (this.countedToAnchor > this.anchor.count || this.hashAtAnchor !== this.anchor.hash) status = "resealed";
      else status = "holds";
    }
    return {
      ok: this.broken === null && (status === null || status === "holds"),
      events_checked: this.checked,
      unsealed: this.unsealed,
      first_broken: this.broken,
      checkpoint_status: status,
    };
  }
}

/** A page of a merchant's events after `afterSeq`, in order. */
function eventsAfter(db: D1Database, merchantId: string, afterSeq: number): Promise<EventRow[]> {
  return db
    .prepare("SELECT * FROM events WHERE merchant_id = ? AND seq > ? ORDER BY seq LIMIT ?")
    .bind(merchantId, afterSeq, PAGE)
    .all<EventRow>()
    .then((result) => result.results);
}

/** Verifies a merchant's whole chain in D1, page by page, against a checkpoint if there is one. Reads only. */
export async function verifyChain(db: D1Database, merchantId: string, anchor: ChainPoint | null = null): Promise<ChainVerification> {
  const verifier = new ChainVerifier(anchor);
  while (verifier.needsMore) {
    const rows = await eventsAfter(db, merchantId, verifier.lastSeq);
    await verifier.add(rows);
    if (rows.length < PAGE) break;
  }
  return verifier.result();
}

/**
 * The sealed head of a merchant's chain, verified from a point already checkpointed (or from the
 * genesis): the event at that point must still carry its hash, and every sealed event after it
 * must link. Answers why not when the chain does not hold from there.
 */
export async function verifiedHead(db: D1Database, merchantId: string, from: ChainPoint | null): Promise<{ head: ChainPoint } | { broken: string }> {
  if (from !== null) {
    const row = await db.prepare("SELECT hash FROM events WHERE merchant_id = ? AND seq = ?").bind(merchantId, from.seq).first<{ hash: string | null }>();
    if (row?.hash !== from.hash) return { broken: `the event at seq ${from.seq} no longer has the checkpointed hash` };
  }
  const verifier = new ChainVerifier(null, from);
  for (;;) {
    const rows = await eventsAfter(db, merchantId, verifier.lastSeq);
    await verifier.add(rows);
    const outcome = verifier.result();
    if (outcome.first_broken !== null) return { broken: `${outcome.first_broken.reason} at seq ${outcome.first_broken.event_seq}` };
    if (rows.length < PAGE || verifier.pending > 0) return { head: verifier.head };
  }
}
