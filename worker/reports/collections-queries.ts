/**
 * The collections report's reads. Each one aggregates in D1 (per day, currency and method, or per
 * customer), so what reaches the Worker grows with the days and currencies of the range, never
 * with the number of invoices or payments.
 */
import { paymentDaySql, RECEIVED_STATUSES_SQL } from "../db/sql";
import { dayAfter, type DateRange } from "../lib/date-range";

export interface DayAmountRow {
  day: string;
  currency: string;
  method: string;
  amount: number;
}

export interface PaidStatsRow {
  currency: string;
  paid_invoices: number;
  days_to_pay: number;
  on_time: number;
}

export interface LatenessRow {
  customer_id: string;
  lateness: number;
}

export interface PromiseRow {
  invoice_id: string;
  promise_until: string;
}

/**
 * Issued invoices that are paid now, with the day the money completing them came (the latest day
 * of their payments).
 */
const PAID_INVOICES = `SELECT i.customer_id, i.currency, substr(i.issued_at, 1, 10) AS issued_on, i.due_date,
    (SELECT max(${paymentDaySql("p")}) FROM allocations a JOIN payments p ON p.id = a.payment_id
      WHERE a.invoice_id = i.id AND a.applied = 1 AND p.status IN ${RECEIVED_STATUSES_SQL}) AS paid_on
  FROM invoices i WHERE i.merchant_id = ? AND i.status = 'paid'`;

/** A statement of the report: its SQL and parameters (the benchmark reads their plans and rows read). */
export interface ReportQuery {
  name: string;
  sql: string;
  params: (string | number)[];
}

/** The report's statements for a range, in the order `collectionsFacts` reads them. */
export function collectionsQueries(merchantId: string, range: DateRange, asOf: string): ReportQuery[] {
  const end = dayAfter(range.to);
  return [
    {
      name: "cash received per day, currency and method",
      sql: `SELECT ${paymentDaySql()} AS day, currency, method, sum(amount) AS amount FROM payments
             WHERE merchant_id = ? AND ${paymentDaySql()} BETWEEN ? AND ? AND status IN ${RECEIVED_STATUSES_SQL}
             GROUP BY 1, 2, 3`,
      params: [merchantId, range.from, range.to],
    },
    {
      name: "refunds per day, currency and method",
      sql: `SELECT substr(r.created_at, 1, 10) AS day, p.currency, p.method, sum(r.amount) AS amount
              FROM refunds r JOIN payments p ON p.id = r.payment_id
             WHERE r.created_at >= ? AND r.created_at < ? AND p.merchant_id = ?
             GROUP BY 1, 2, 3`,
      params: [range.from, end, merchantId],
    },
    {
      name: "invoiced per day and currency",
      sql: `SELECT substr(issued_at, 1, 10) AS day, currency, '' AS method, sum(total) AS amount FROM invoices
             WHERE merchant_id = ? AND issued_at >= ? AND issued_at < ? AND status <> 'void'
             GROUP BY 1, 2`,
      params: [merchantId, range.from, end],
    },
    {
      name: "credited per day and currency",
      sql: `SELECT issued_on AS day, currency, '' AS method, sum(total) AS amount FROM credit_notes
             WHERE merchant_id = ? AND issued_on BETWEEN ? AND ? GROUP BY 1, 2`,
      params: [merchantId, range.from, range.to],
    },
    {
      name: "invoices fully paid in the range: days to pay, on time",
      sql: `SELECT currency, count(*) AS paid_invoices, sum(julianday(paid_on) - julianday(issued_on)) AS days_to_pay,
                   sum(paid_on <= due_date) AS on_time
              FROM (${PAID_INVOICES}) WHERE paid_on BETWEEN ? AND ? GROUP BY currency`,
      params: [merchantId, range.from, range.to],
    },
    {
      name: "lateness per customer",
      sql: `SELECT customer_id, avg(julianday(paid_on) - julianday(due_date)) AS lateness FROM (${PAID_INVOICES})
             WHERE paid_on <= ? AND due_date IS NOT NULL GROUP BY customer_id`,
      params: [merchantId, asOf],
    },
    {
      name: "promises to pay still to come",
      sql: `SELECT s.invoice_id, s.promise_until FROM invoice_reminder_settings s JOIN invoices i ON i.id = s.invoice_id
             WHERE i.merchant_id = ? AND s.promise_until > ?`,
      params: [merchantId, asOf],
    },
  ];
}

/** Everything the report reads for a range, in one batch (one consistent snapshot, one round trip). */
export async function collectionsFacts(db: D1Database, merchantId: string, range: DateRange, asOf: string) {
  const statements = collectionsQueries(merchantId, range, asOf).map((query) => db.prepare(query.sql).bind(...query.params));
  const [cash, refunds, invoiced, credited, paid, lateness, promises] = await db.batch(statements);
  return {
    cash: cash!.results as unknown as DayAmountRow[],
    refunds: refunds!.results as unknown as DayAmountRow[],
    invoiced: invoiced!.results as unknown as DayAmountRow[],
    credited: credited!.results as unknown as DayAmountRow[],
    paid: paid!.results as unknown as PaidStatsRow[],
    lateness: lateness!.results as unknown as LatenessRow[],
    promises: promises!.results as unknown as PromiseRow[],
  };
}
