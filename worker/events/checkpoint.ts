/**
 * Signed checkpoints of each merchant's chain head, `{merchant, seq, hash, count, at}`, with an
 * HMAC-SHA256 under a key derived from QUITTANCE_ENCRYPTION_KEY — a key the database does not hold.
 * Whoever can write to D1 can edit an event and null the hashes after it for the sealer to
 * recompute, or delete the newest events, and the chain still links; the checkpoint says which
 * event had which hash and how many events came up to it, and nobody can sign a newer one without
 * the key. The cron signs them (housekeeping.ts), only over a chain that still holds from the
 * previous checkpoint, and keeps the latest in three places: the merchant's hub (Durable Object
 * storage, out of a database writer's reach), D1 (for `audit:verify`) and every webhook delivery
 * (`Quittance-Chain-Head`), so the merchant holds a copy too.
 */
import { verifiedHead, verifyChain, type ChainCheckpoint, type ChainVerification, type CheckpointStatus } from "./chain";
import { findCheckpointRow, saveCheckpointRow } from "./queries";
import { isDevelopment } from "../lib/environment";

export type { ChainCheckpoint } from "./chain";

/** Where a checkpoint was read: the hub's storage, the D1 row, or given on the command line. */
export type CheckpointSource = "hub" | "database" | "given";

const encoder = new TextEncoder();

/** The HMAC key, derived from the master key (the public local fallback in development only, like tracking links). */
export async function checkpointKey(masterKey: string | undefined): Promise<CryptoKey> {
  const material = encoder.encode(`${masterKey ?? "quittance-local-checkpoint"}|chain-checkpoint`);
  return crypto.subtle.importKey("raw", await crypto.subtle.digest("SHA-256", material), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

/** The key of this deployment; outside development it refuses to sign or check without a master key. */
export function checkpointKeyOf(env: Env): Promise<CryptoKey> {
  if (!env.QUITTANCE_ENCRYPTION_KEY && !isDevelopment(env)) throw new Error("QUITTANCE_ENCRYPTION_KEY is required to sign chain checkpoints");
  return checkpointKey(env.QUITTANCE_ENCRYPTION_KEY);
}

function signedText(checkpoint: Omit<ChainCheckpoint, "signature">): string {
  return JSON.stringify(["quittance-chain-checkpoint/1", checkpoint.merchant, checkpoint.seq, checkpoint.hash, checkpoint.count, checkpoint.at]);
}

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, "0")).join("");

export async function signCheckpoint(key: CryptoKey, checkpoint: Omit<ChainCheckpoint, "signature">): Promise<ChainCheckpoint> {
  const { merchant, seq, hash, count, at } = checkpoint;
  return { merchant, seq, hash, count, at, signature: hex(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(signedText(checkpoint)))) };
}

/** Whether a checkpoint was signed with this key for this merchant (compared in constant time by `verify`). */
export async function checkpointValid(key: CryptoKey, merchantId: string, checkpoint: ChainCheckpoint): Promise<boolean> {
  if (checkpoint.merchant !== merchantId || !/^[0-9a-f]{64}$/.test(checkpoint.signature)) return false;
  const signature = Uint8Array.from(checkpoint.signature.match(/../g)!, (pair) => parseInt(pair, 16));
  return crypto.subtle.verify("HMAC", key, signature, new TextEncoder().encode(signedText(checkpoint)));
}

/**
 * A checkpoint as one header value, e.g.
 * `merchant=mer_…,seq=812,hash=9f…,count=40,at=2026-11-24T10:00:00.000Z,sig=4a…`.
 */
export function formatCheckpoint(checkpoint: ChainCheckpoint): string {
  const { merchant, seq, hash, count, at, signature } = checkpoint;
  return `merchant=${merchant},seq=${seq},hash=${hash},count=${count},at=${at},sig=${signature}`;
}

/** Reads a header value written by `formatCheckpoint`; null when it is not one. */
export function parseCheckpoint(text: string): ChainCheckpoint | null {
  const fields = new Map(text.trim().split(",").map((part) => [part.slice(0, part.indexOf("=")), part.slice(part.indexOf("=") + 1)] as const));
  const [merchant, seq, hash, count, at, signature] = ["merchant", "seq", "hash", "count", "at", "sig"].map((name) => fields.get(name));
  if (!merchant || !hash || !at || !signature || !/^\d+$/.test(seq ?? "") || !/^\d+$/.test(count ?? "")) return null;
  return { merchant, seq: Number(seq), hash, count: Number(count), at, signature };
}

export interface CheckpointChoice {
  /** The newest checkpoint whose signature holds (the authority), and where it was read. */
  checkpoint: (ChainCheckpoint & { source: CheckpointSource }) | null;
  /** Checkpoints whose signature does not hold: written by someone without the key. */
  rejected: { source: CheckpointSource; seq: number | null; reason: "signature_invalid" }[];
}

/** Picks the authority among the checkpoints found: the newest validly signed one. */
export async function chooseCheckpoint(key: CryptoKey, merchantId: string, found: { source: CheckpointSource; checkpoint: ChainCheckpoint | null }[]): Promise<CheckpointChoice> {
  const choice: CheckpointChoice = { checkpoint: null, rejected: [] };
  for (const { source, checkpoint } of found) {
    if (checkpoint === null) continue;
    if (!(await checkpointValid(key, merchantId, checkpoint))) choice.rejected.push({ source, seq: checkpoint.seq, reason: "signature_invalid" });
    else if (choice.checkpoint === null || checkpoint.seq > choice.checkpoint.seq) choice.checkpoint = { ...checkpoint, source };
  }
  return choice;
}

/** What `GET /v1/audit/chain` and `audit:verify` report: the chain, and the checkpoint it was checked against. */
export interface ChainReport extends Omit<ChainVerification, "checkpoint_status"> {
  checkpoint: { event_seq: number; hash: string; count: number; signed_at: string; source: CheckpointSource; status: CheckpointStatus } | null;
  rejected_checkpoints: CheckpointChoice["rejected"];
}

/** Puts a verification and the checkpoint choice together; a rejected checkpoint is a failure. */
export function chainReport(verification: ChainVerification, choice: CheckpointChoice): ChainReport {
  const { checkpoint_status: status, ...chain } = verification;
  const checkpoint = choice.checkpoint;
  return {
    ...chain,
    ok: chain.ok && choice.rejected.length === 0,
    checkpoint: checkpoint === null || status === null
      ? null
      : { event_seq: checkpoint.seq, hash: checkpoint.hash, count: checkpoint.count, signed_at: checkpoint.at, source: checkpoint.source, status },
    rejected_checkpoints: choice.rejected,
  };
}

/** Verifies a merchant's chain in D1 against its latest signed checkpoint. Reads only: it never seals. */
export async function auditChain(env: Env, merchantId: string): Promise<ChainReport> {
  const choice = await loadCheckpoints(env, merchantId);
  return chainReport(await verifyChain(env.DB, merchantId, choice.checkpoint), choice);
}

/** The merchant's checkpoints as the hub and D1 keep them, and the authority among them. */
export async function loadCheckpoints(env: Env, merchantId: string): Promise<CheckpointChoice> {
  const [kept, row] = await Promise.all([env.HUB.getByName(merchantId).chainCheckpoint(), findCheckpointRow(env.DB, merchantId)]);
  return chooseCheckpoint(await checkpointKeyOf(env), merchantId, [
    { source: "hub", checkpoint: kept },
    { source: "database", checkpoint: row },
  ]);
}

/**
 * Signs a checkpoint of the merchant's sealed head, if the chain still holds from the previous
 * checkpoint (else it signs nothing, so tampering is never blessed, and logs why). Keeps it in the
 * hub and in D1; puts the D1 row back when it was removed or altered. Answers the latest checkpoint.
 */
export async function signChainCheckpoint(env: Env, merchantId: string, now: Date): Promise<ChainCheckpoint | null> {
  const { checkpoint: previous } = await loadCheckpoints(env, merchantId);
  const verified = await verifiedHead(env.DB, merchantId, previous);
  if ("broken" in verified) {
    console.error(JSON.stringify({ message: "chain checkpoint refused: the chain does not hold from the last checkpoint", merchant: merchantId, reason: verified.broken }));
    return previous;
  }
  const { head } = verified;
  let latest: ChainCheckpoint | null = previous;
  if (head.count > 0 && (previous === null || head.seq > previous.seq)) {
    latest = await signCheckpoint(await checkpointKeyOf(env), { merchant: merchantId, ...head, at: now.toISOString() });
    await env.HUB.getByName(merchantId).chainCheckpoint(latest);
  }
  if (latest !== null && (await findCheckpointRow(env.DB, merchantId))?.signature !== latest.signature) await saveCheckpointRow(env.DB, latest);
  return latest;
}

/** The latest checkpoint in D1 as a `Quittance-Chain-Head` value, if its signature holds. */
export async function chainHeadHeader(env: Env, merchantId: string): Promise<string | null> {
  const row = await findCheckpointRow(env.DB, merchantId);
  if (row === null) return null;
  if (!(await checkpointValid(await checkpointKeyOf(env), merchantId, row))) {
    console.error(JSON.stringify({ message: "chain checkpoint row with an invalid signature", merchant: merchantId }));
    return null;
  }
  return formatCheckpoint(row);
}
