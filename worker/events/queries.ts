/** Reading the log (the feed, a page at a time, oldest first) and the chain checkpoint row. */
import type { ChainCheckpoint } from "./chain";
import type { EventRow } from "./log";

/** The events after `afterSeq`, optionally of one type or one invoice (`limit + 1` rows, to tell if more follow). */
export async function listEvents(
  db: D1Database,
  merchantId: string,
  query: { afterSeq: number; type?: string | undefined; invoice?: string | undefined; limit: number },
): Promise<EventRow[]> {
  const filters: string[] = [];
  const params: string[] = [];
  if (query.type) (filters.push(" AND type = ?"), params.push(query.type));
  if (query.invoice) (filters.push(" AND invoice_id = ?"), params.push(query.invoice));
  const { results } = await db
    .prepare(`SELECT * FROM events WHERE merchant_id = ? AND seq > ?${filters.join("")} ORDER BY seq LIMIT ?`)
    .bind(merchantId, query.afterSeq, ...params, query.limit + 1)
    .all<EventRow>();
  return results;
}

/** The checkpoint row kept in D1 (a copy for the `audit:verify` command; the signature is the authority), or null. */
export function findCheckpointRow(db: D1Database, merchantId: string): Promise<ChainCheckpoint | null> {
  return db
    .prepare("SELECT merchant_id AS merchant, seq, hash, count, signed_at AS at, signature FROM chain_checkpoints WHERE merchant_id = ?")
    .bind(merchantId)
    .first<ChainCheckpoint>();
}

/** Writes (or rewrites) the merchant's checkpoint row. */
export async function saveCheckpointRow(db: D1Database, checkpoint: ChainCheckpoint): Promise<void> {
  await db
    .prepare(
      `INSERT INTO chain_checkpoints (merchant_id, seq, hash, count, signed_at, signature) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (merchant_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, count = excluded.count, signed_at = excluded.signed_at, signature = excluded.signature`,
    )
    .bind(checkpoint.merchant, checkpoint.seq, checkpoint.hash, checkpoint.count, checkpoint.at, checkpoint.signature)
    .run();
}

/** Merchants whose sealed head is past their checkpoint row (or who have none): the cron signs theirs. */
export async function merchantsBehindCheckpoint(db: D1Database): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT m.id FROM merchants m LEFT JOIN chain_checkpoints c ON c.merchant_id = m.id
       WHERE (SELECT seq FROM events e WHERE e.merchant_id = m.id AND e.hash IS NOT NULL ORDER BY seq DESC LIMIT 1) > coalesce(c.seq, 0)`,
    )
    .all<{ id: string }>();
  return results.map((row) => row.id);
}
