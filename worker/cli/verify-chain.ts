/**
 * npm run audit:verify -- --merchant mer_… [--remote] [--checkpoint "<Quittance-Chain-Head value>"]
 *
 * Recomputes a merchant's event hash chain from the database (local D1 by default) with the same
 * code the Worker uses, names the first broken link, and checks the log against the latest signed
 * checkpoint of its head: the D1 row, or one given (the `Quittance-Chain-Head` header of a webhook
 * the merchant received), whichever is newer among those whose signature holds. Signatures are
 * checked with QUITTANCE_ENCRYPTION_KEY from the environment (locally, from `.dev.vars`). Exit codes
 * in ./chain-report.ts; an unknown merchant exits 1.
 */
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ChainVerifier, type ChainCheckpoint } from "../events/chain";
import { chainReport, checkpointKey, chooseCheckpoint, parseCheckpoint, type CheckpointChoice } from "../events/checkpoint";
import type { EventRow } from "../events/log";
import { formatChainReport } from "./chain-report";
import { queryRows, sqlLiteral, type D1Target } from "./d1";

const PAGE = 2000;
/** The cron checkpoints within a minute; a merchant sealed for longer with no checkpoint row is suspect. */
const CHECKPOINT_EXPECTED_AFTER_MS = 10 * 60_000;

/** The master key: the environment's, or locally the one `npm start` wrote to `.dev.vars`. */
function masterKey(target: D1Target): { key: string | undefined; known: boolean } {
  if (process.env["QUITTANCE_ENCRYPTION_KEY"]) return { key: process.env["QUITTANCE_ENCRYPTION_KEY"], known: true };
  if (target.remote) return { key: undefined, known: false };
  const local = existsSync(".dev.vars") ? /^QUITTANCE_ENCRYPTION_KEY=(.+)$/m.exec(readFileSync(".dev.vars", "utf8"))?.[1]?.trim() : undefined;
  // Without a key the local Worker signs with its development fallback, which checkpointKey() derives too.
  return { key: local, known: true };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { merchant: { type: "string" }, remote: { type: "boolean", default: false }, checkpoint: { type: "string" } },
  });
  if (!values.merchant) throw new Error('usage: npm run audit:verify -- --merchant mer_… [--remote] [--checkpoint "<Quittance-Chain-Head>"]');
  const merchantId = values.merchant;
  const target: D1Target = { remote: values.remote };
  if (queryRows<{ id: string }>(`SELECT id FROM merchants WHERE id = ${sqlLiteral(merchantId)}`, target).length === 0) {
    console.error(`No merchant ${merchantId} in the ${target.remote ? "remote" : "local"} database: nothing verified.`);
    process.exit(1);
  }
  const given = values.checkpoint === undefined ? null : parseCheckpoint(values.checkpoint);
  if (values.checkpoint !== undefined && given === null) throw new Error("--checkpoint must be a Quittance-Chain-Head value (merchant=…,seq=…,hash=…,count=…,at=…,sig=…)");

  const { key, known } = masterKey(target);
  const [row] = queryRows<ChainCheckpoint>(
    `SELECT merchant_id AS merchant, seq, hash, count, signed_at AS at, signature FROM chain_checkpoints WHERE merchant_id = ${sqlLiteral(merchantId)}`,
    target,
  );
  const choice: CheckpointChoice = known
    ? await chooseCheckpoint(await checkpointKey(key), merchantId, [{ source: "database", checkpoint: row ?? null }, { source: "given", checkpoint: given }])
    : { checkpoint: null, rejected: [] };

  const verifier = new ChainVerifier(choice.checkpoint);
  let oldestSealedAt: string | undefined;
  while (verifier.needsMore) {
    const rows = queryRows<EventRow>(
      `SELECT * FROM events WHERE merchant_id = ${sqlLiteral(merchantId)} AND seq > ${verifier.lastSeq} ORDER BY seq LIMIT ${PAGE}`,
      target,
    );
    await verifier.add(rows);
    oldestSealedAt ??= rows.find((event) => event.hash !== null)?.created_at;
    if (rows.length < PAGE) break;
  }
  const report = chainReport(verifier.result(), choice);
  const { lines, exitCode } = formatChainReport(report, {
    merchantId,
    keyMissing: !known,
    checkpointExpected: oldestSealedAt !== undefined && Date.now() - Date.parse(oldestSealedAt) > CHECKPOINT_EXPECTED_AFTER_MS,
  });
  for (const line of lines) console.log(line);
  process.exit(exitCode);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
