/** The ageing report's SQL over the ledger: receivables grouped by customer, currency and bucket. */
import { CUSTOMER_CREDIT_SQL, RECEIVABLE_BALANCES_SQL } from "../ledger/receivables";

export interface BucketRow {
  customer_id: string;
  currency: string;
  /** 0: not yet due; n: past due, at most the n-th limit (the last: beyond every limit). */
  bucket: number;
  amount: number;
  invoices: number;
}

/** `AND <column> IN (the ids)` when the report is narrowed to some customers (the ids bound as JSON at `?n`). */
const onlyCustomers = (column: string, position: number, customers: readonly string[] | undefined) =>
  customers === undefined ? "" : ` AND ${column} IN (SELECT value FROM json_each(?${position}))`;

/**
 * Receivables at `asOf` grouped by (customer, currency, bucket) — or by (currency, bucket) with
 * `byCustomer` false; only `customers`' when given. Bucket = 0 when not yet due, else 1 + the number of limits below the days
 * past due (as_of − due date), so day 30 falls in 1-30 and day 31 in 31-60.
 */
export async function bucketRows(db: D1Database, merchantId: string, asOf: string, limits: readonly number[], byCustomer: boolean, customers?: readonly string[]): Promise<BucketRow[]> {
  const days = "CAST(julianday(?2) - julianday(i.due_date) AS INTEGER)";
  const bucket = `CASE WHEN i.due_date IS NULL OR ${days} <= 0 THEN 0 ELSE 1 + (SELECT count(*) FROM json_each(?3) WHERE value < ${days}) END`;
  const customer = byCustomer ? "r.customer_id" : "''";
  const { results } = await db
    .prepare(
      `SELECT ${customer} AS customer_id, r.currency, ${bucket} AS bucket, sum(r.amount) AS amount, count(*) AS invoices
       FROM (${RECEIVABLE_BALANCES_SQL}) r JOIN invoices i ON i.id = r.invoice_id
       WHERE 1${onlyCustomers("r.customer_id", 4, customers)}
       GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    )
    .bind(merchantId, asOf, JSON.stringify(limits), ...(customers ? [JSON.stringify(customers)] : []))
    .all<BucketRow>();
  return results;
}

/** Each customer's unallocated credit at `asOf`, per currency (only `customers`' when given). */
export async function creditRows(db: D1Database, merchantId: string, asOf: string, customers?: readonly string[]): Promise<{ customer_id: string; currency: string; amount: number }[]> {
  const { results } = await db
    .prepare(`SELECT * FROM (${CUSTOMER_CREDIT_SQL}) WHERE 1${onlyCustomers("customer_id", 3, customers)}`)
    .bind(merchantId, asOf, ...(customers ? [JSON.stringify(customers)] : []))
    .all<{ customer_id: string; currency: string; amount: number }>();
  return results;
}

/** Credit notes issued up to `asOf`, per currency: how many and their total (only `customers`' when given). */
export async function creditNoteTotals(db: D1Database, merchantId: string, asOf: string, customers?: readonly string[]): Promise<{ currency: string; count: number; amount: number }[]> {
  const { results } = await db
    .prepare(
      `SELECT currency, count(DISTINCT seq) AS count, sum(credit) AS amount FROM ledger_lines
       WHERE merchant_id = ?1 AND source = 'credit_note' AND role = 'receivable' AND entry_date <= ?2${onlyCustomers("customer_id", 3, customers)} GROUP BY currency`,
    )
    .bind(merchantId, asOf, ...(customers ? [JSON.stringify(customers)] : []))
    .all<{ currency: string; count: number; amount: number }>();
  return results;
}

/** Names of some customers of a merchant. */
export async function customerNames(db: D1Database, merchantId: string, ids: readonly string[]): Promise<Map<string, string>> {
  const { results } = await db
    .prepare("SELECT id, name FROM customers WHERE merchant_id = ? AND id IN (SELECT value FROM json_each(?))")
    .bind(merchantId, JSON.stringify(ids))
    .all<{ id: string; name: string }>();
  return new Map(results.map((row) => [row.id, row.name]));
}
