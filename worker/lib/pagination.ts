/**
 * Cursor pagination, newest first: `?limit=` and `?starting_after=<id>`, answered as
 * `{data, has_more, next}`. The cursor is the (created_at, id) of the last object seen, so pages
 * stay stable while new objects arrive.
 */
import { ApiError } from "../errors";

export interface Page<T> {
  data: T[];
  has_more: boolean;
  next: string | null;
}

/** SQL for "after this cursor" and its parameters; empty when there is no cursor. */
export async function cursorCondition(
  db: D1Database,
  table: "invoices" | "customers" | "payments" | "webhook_endpoints" | "credit_notes",
  merchantId: string,
  startingAfter: string | undefined,
): Promise<{ sql: string; params: string[] }> {
  if (startingAfter === undefined) return { sql: "", params: [] };
  const cursor = await db
    .prepare(`SELECT created_at, id FROM ${table} WHERE id = ? AND merchant_id = ?`)
    .bind(startingAfter, merchantId)
    .first<{ created_at: string; id: string }>();
  if (cursor === null) throw new ApiError("parameter_invalid", `starting_after '${startingAfter}' is not one of your objects.`, "starting_after");
  return { sql: " AND (created_at < ? OR (created_at = ? AND id < ?))", params: [cursor.created_at, cursor.created_at, cursor.id] };
}

/** Cuts the `limit + 1` rows fetched into a page. */
export function toPage<Row extends { id: string }, T>(rows: Row[], limit: number, serialize: (row: Row) => T): Page<T> {
  const hasMore = rows.length > limit;
  const kept = hasMore ? rows.slice(0, limit) : rows;
  return { data: kept.map(serialize), has_more: hasMore, next: hasMore ? kept[kept.length - 1]!.id : null };
}
