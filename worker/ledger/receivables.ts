/**
 * Receivables at a date, read from the ledger: each invoice's receivable lines up to that date (an
 * invoice paid since still counts), and each customer's unallocated credit. Used by ageing and DSO.
 */

export interface InvoiceReceivable {
  invoice_id: string;
  customer_id: string;
  currency: string;
  due_date: string;
  /** Minor units still owed at the date (> 0). */
  amount: number;
}

export interface CustomerCredit {
  customer_id: string;
  currency: string;
  /** Minor units the customer had paid and not yet applied (or been credited), at the date (> 0). */
  amount: number;
}

export interface Receivables {
  invoices: InvoiceReceivable[];
  credit: CustomerCredit[];
}

/** The SQL of each invoice's receivable balance at `?2` for merchant `?1` (amount > 0). */
export const RECEIVABLE_BALANCES_SQL = `SELECT l.invoice_id, l.customer_id, l.currency, sum(l.debit) - sum(l.credit) AS amount
  FROM ledger_lines l
  WHERE l.merchant_id = ?1 AND l.role = 'receivable' AND l.invoice_id IS NOT NULL AND l.entry_date <= ?2
  GROUP BY l.invoice_id HAVING amount > 0`;

/** The SQL of each customer's unallocated credit at `?2` for merchant `?1`, per currency (amount > 0). */
export const CUSTOMER_CREDIT_SQL = `SELECT l.customer_id, l.currency, sum(l.credit) - sum(l.debit) AS amount
  FROM ledger_lines l
  WHERE l.merchant_id = ?1 AND l.role = 'receivable' AND l.invoice_id IS NULL AND l.entry_date <= ?2
  GROUP BY l.customer_id, l.currency HAVING amount > 0`;

/**
 * Per-invoice receivables and per-customer credit of a merchant at the end of `asOf`
 * (`YYYY-MM-DD`). Call `catchUpLedger` first. Every row is one invoice or customer: callers that
 * only need totals should aggregate in SQL over `RECEIVABLE_BALANCES_SQL` instead.
 * @example const { invoices, credit } = await receivablesAsOf(env.DB, merchantId, "2026-12-31")
 */
export async function receivablesAsOf(db: D1Database, merchantId: string, asOf: string): Promise<Receivables> {
  const [invoices, credit] = await db.batch([
    db.prepare(`SELECT r.invoice_id, r.customer_id, r.currency, i.due_date, r.amount FROM (${RECEIVABLE_BALANCES_SQL}) r JOIN invoices i ON i.id = r.invoice_id ORDER BY r.invoice_id`).bind(merchantId, asOf),
    db.prepare(`${CUSTOMER_CREDIT_SQL} ORDER BY l.customer_id, l.currency`).bind(merchantId, asOf),
  ]);
  return { invoices: invoices!.results as unknown as InvoiceReceivable[], credit: credit!.results as unknown as CustomerCredit[] };
}
