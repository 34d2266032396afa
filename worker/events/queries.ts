/** Reading the log: the feed, a page at a time, oldest first. */
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
