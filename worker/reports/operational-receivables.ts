/**
 * Receivables at a date read from the operational tables (invoices, allocations, payments,
 * refunds). A stand-in for branch ledger's `receivablesAsOf` (the ledger derived from the event
 * log), to be replaced by it when the branches merge; same row shape.
 *
 * An invoice counts from its issue day, void ones until the day they were voided, uncollectible
 * ones never (written off); it is reduced by every applied allocation of a payment received on or
 * before the date, net of that allocation's refunds when the payment's last refund happened on or
 * before the date (a payment refunded both before and after the date is taken as refunded after).
 */
import { dayAfter } from "../lib/date-range";
import { paymentDaySql, RECEIVED_STATUSES_SQL } from "../db/sql";

/** One invoice's amount still receivable at the date (amount > 0), as branch ledger's receivablesAsOf answers it. */
export interface ReceivableRow {
  invoice_id: string;
  customer_id: string;
  currency: string;
  due_date: string | null;
  amount: number;
}

const PAYMENT_DAY_P = paymentDaySql("p");

/** Per-invoice receivables of a merchant at the end of `asOf` (YYYY-MM-DD). */
export async function operationalReceivablesAsOf(db: D1Database, merchantId: string, asOf: string): Promise<ReceivableRow[]> {
  const end = dayAfter(asOf);
  const { results } = await db
    .prepare(
      `SELECT invoice_id, customer_id, currency, due_date, amount FROM (
         SELECT i.id AS invoice_id, i.customer_id, i.currency, i.due_date,
                i.total - coalesce((
                  SELECT sum(a.amount - CASE WHEN (SELECT max(r.created_at) FROM refunds r WHERE r.payment_id = p.id) < ?1 THEN a.amount_refunded ELSE 0 END)
                    FROM allocations a JOIN payments p ON p.id = a.payment_id
                   WHERE a.invoice_id = i.id AND a.applied = 1 AND p.status IN ${RECEIVED_STATUSES_SQL} AND ${PAYMENT_DAY_P} <= ?2
                ), 0) AS amount
           FROM invoices i
          WHERE i.merchant_id = ?3 AND i.issued_at < ?1 AND i.status NOT IN ('draft', 'uncollectible')
            AND NOT (i.status = 'void' AND i.voided_at < ?1)
       ) WHERE amount > 0`,
    )
    .bind(end, asOf, merchantId)
    .all<ReceivableRow>();
  return results;
}
