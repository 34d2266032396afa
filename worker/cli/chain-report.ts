/**
 * What `npm run audit:verify` prints and its exit code, from the same report `GET /v1/audit/chain`
 * answers: 0 when the chain holds (against the latest signed checkpoint, or before the first one),
 * 1 when it is broken, truncated, resealed or a checkpoint is forged, 2 when it could not be checked
 * against a checkpoint although one should exist (no master key, or no checkpoint row).
 */
import type { ChainReport } from "../events/checkpoint";

export interface ReportContext {
  merchantId: string;
  /** The master key is unknown here: checkpoint signatures could not be checked. */
  keyMissing?: boolean;
  /** The merchant has events sealed long enough ago that the cron should have checkpointed them. */
  checkpointExpected?: boolean;
}

/** The lines to print and the exit code. */
export function formatChainReport(report: ChainReport, context: ReportContext): { lines: string[]; exitCode: 0 | 1 | 2 } {
  const lines: string[] = [];
  const { merchantId } = context;
  const broken = report.first_broken;
  if (broken !== null) {
    lines.push(`BROKEN at event ${broken.event} (seq ${broken.event_seq}): ${broken.reason}; ${report.events_checked} events verified before it.`);
  }
  for (const rejected of report.rejected_checkpoints) {
    lines.push(`FORGED checkpoint (${rejected.source}${rejected.seq === null ? "" : `, seq ${rejected.seq}`}): its signature does not hold: written without the deployment's key (or QUITTANCE_ENCRYPTION_KEY here is not the deployment's).`);
  }
  const checkpoint = report.checkpoint;
  if (checkpoint?.status === "truncated") {
    lines.push(`TRUNCATED: the checkpoint signed ${checkpoint.signed_at} counts ${checkpoint.count} events up to seq ${checkpoint.event_seq}; fewer are left. Events were deleted.`);
  } else if (checkpoint?.status === "resealed") {
    lines.push(`RESEALED: the event at seq ${checkpoint.event_seq} no longer has the hash signed ${checkpoint.signed_at}; events up to it were edited and their hashes removed or recomputed.`);
  }
  if (lines.length > 0) return { lines, exitCode: 1 };

  const pending = report.unsealed > 0 ? `, ${report.unsealed} recent ones not sealed yet` : "";
  lines.push(`OK: ${report.events_checked} events verified for ${merchantId}${pending}.`);
  if (checkpoint !== null) {
    lines.push(`Checkpoint (${checkpoint.source}) signed ${checkpoint.signed_at}: seq ${checkpoint.event_seq}, ${checkpoint.count} events, hash ${checkpoint.hash.slice(0, 16)}… holds.`);
    return { lines, exitCode: 0 };
  }
  if (context.keyMissing) {
    lines.push("NOT CHECKED against a signed checkpoint: set QUITTANCE_ENCRYPTION_KEY to the deployment's master key (tail truncation and resealing cannot be seen without it).");
    return { lines, exitCode: 2 };
  }
  if (context.checkpointExpected) {
    lines.push("NO CHECKPOINT although events were sealed minutes ago: the checkpoint row may have been removed. Check GET /v1/audit/chain (the hub keeps a copy) or pass --checkpoint with the Quittance-Chain-Head of a recent webhook.");
    return { lines, exitCode: 2 };
  }
  lines.push("No signed checkpoint yet (the cron signs one within a minute of new events).");
  return { lines, exitCode: 0 };
}
