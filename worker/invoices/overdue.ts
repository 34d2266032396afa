/**
 * `invoice.overdue`, once per invoice: the cron announces each payable invoice whose due date has
 * passed with something still due. The event and the invoice's `overdue_at` land in one batch over
 * the same rows, so two cron runs at once cannot announce an invoice twice.
 */
import { utcDay } from "../../shared/status";
import { amountDueSql, payableSql } from "../db/sql";
import { INVOICE_SNAPSHOT_SQL, type LogMoved } from "../events/log";

const PER_RUN = 500;

/** Announces up to 500 newly overdue invoices; answers the merchants whose logs moved. */
export async function announceOverdue(db: D1Database, now: Date): Promise<LogMoved[]> {
  const due = `SELECT id FROM invoices WHERE overdue_at IS NULL AND ${payableSql()} AND ${amountDueSql()} > 0 AND due_date < ?1 ORDER BY due_date, id LIMIT ${PER_RUN}`;
  const at = now.toISOString();
  const [inserted] = await db.batch<{ merchant_id: string }>([
    db
      .prepare(
        `INSERT INTO events (id_suffix, merchant_id, type, invoice_id, payment_id, customer_id, data, created_at)
         SELECT lower(hex(randomblob(13))), merchant_id, 'invoice.overdue', id, NULL, customer_id,
           json_patch(${INVOICE_SNAPSHOT_SQL}, json_object('days_overdue', CAST(julianday(?1) - julianday(due_date) AS INTEGER))), ?2
         FROM invoices WHERE id IN (${due}) RETURNING merchant_id`,
      )
      .bind(utcDay(now), at),
    db.prepare(`UPDATE invoices SET overdue_at = ?2 WHERE id IN (${due})`).bind(utcDay(now), at),
  ]);
  return [...new Set(inserted!.results.map((row) => row.merchant_id))].map((merchantId) => ({ merchantId }));
}
