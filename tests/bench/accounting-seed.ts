/**
 * Seeds an accounting year into a local D1 in a few set-based statements (recursive CTEs, no
 * per-row SQL): customers, issued invoices with their lines, payments with their allocations, and
 * the events the ledger is derived from (`invoice.issued` with its tax breakdown,
 * `payment.succeeded` with its allocations), as the Worker's writers append them. Shared by the
 * accounting and reports benchmarks.
 *
 * Shape: `customers` customers; invoices i = 0… issued in 2026 (day i mod 330), due 30 days later,
 * in EUR (every 50th in JPY), at 20 % (every 3rd at 5.5 %); payments j = 0… pay invoice ⌊j/2⌋ in
 * two halves (10 and 40 days after issue), so the first payments/2 invoices end paid.
 */
import { executeWrites, type D1Target } from "../../worker/cli/d1";

export interface AccountingSeed {
  invoices: number;
  payments: number;
  customers: number;
}

/** The id of the i-th seeded invoice / customer / payment (stable, so a benchmark can name one). */
export const seededInvoiceId = (index: number) => `inv_acct${String(index).padStart(22, "0")}`;
export const seededCustomerId = (index: number) => `cus_acct${String(index).padStart(22, "0")}`;

/** The SQL statements of a seed (exposed for a benchmark that wants to run them its own way). */
export function accountingSeedSql(merchantId: string, seed: AccountingSeed): string[] {
  const m = `'${merchantId.replaceAll("'", "''")}'`;
  const series = (count: number) => `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${count - 1})`;
  const invoiceId = "'inv_acct' || printf('%022d', i)";
  const customerOf = `'cus_acct' || printf('%022d', i % ${seed.customers})`;
  const currency = "CASE WHEN i % 50 = 49 THEN 'jpy' ELSE 'eur' END";
  const rate = "CASE WHEN i % 3 = 2 THEN 550 ELSE 2000 END";
  const unit = "(1000 + i % 5000)";
  const tax = `CAST(round(${unit} * ${rate} / 10000.0) AS INTEGER)`;
  const issuedOn = "date('2026-01-01', '+' || (i % 330) || ' days')";
  const paidCount = Math.floor(seed.payments / 2);
  return [
    `${series(seed.customers)} INSERT INTO customers (id, merchant_id, name, email, created_at)
      SELECT ${customerOf.replace(`i % ${seed.customers}`, "i")}, ${m}, 'Client ' || i, 'client' || i || '@example.com', '2026-01-01T00:00:00.000Z' FROM n`,
    `${series(seed.invoices)} INSERT INTO invoices (id, merchant_id, customer_id, status, currency, subtotal, tax, total, terms, hosted_token, created_at, updated_at)
      SELECT ${invoiceId}, ${m}, ${customerOf}, 'draft', ${currency}, ${unit}, ${tax}, ${unit} + ${tax}, '{}', 'acct' || i, ${issuedOn} || 'T09:00:00.000Z', ${issuedOn} || 'T09:00:00.000Z' FROM n`,
    `${series(seed.invoices)} INSERT INTO invoice_lines (invoice_id, position, description, quantity_milli, unit_amount, tax_rate, amount_subtotal, amount_tax, amount_total)
      SELECT ${invoiceId}, 0, 'Prestation', 1000, ${unit}, ${rate}, ${unit}, ${tax}, ${unit} + ${tax} FROM n`,
    `UPDATE invoices SET status = CASE WHEN CAST(substr(id, 9) AS INTEGER) < ${paidCount} THEN 'paid' ELSE 'open' END,
       amount_paid = CASE WHEN CAST(substr(id, 9) AS INTEGER) < ${paidCount} THEN total ELSE 0 END,
       number = 'F2026-' || substr(id, 17), number_series = 'F2026-', number_seq = CAST(substr(id, 9) AS INTEGER) + 1,
       due_date = date(substr(created_at, 1, 10), '+30 days'), issued_at = created_at
     WHERE merchant_id = ${m} AND id LIKE 'inv_acct%'`,
    `INSERT INTO number_series (merchant_id, series, next_number) VALUES (${m}, 'F2026-', ${seed.invoices + 1})`,
    `INSERT INTO events (id_suffix, merchant_id, type, invoice_id, customer_id, data, created_at)
      SELECT lower(hex(randomblob(13))), ${m}, 'invoice.issued', id, customer_id,
        json_object('number', number, 'status', 'open', 'currency', currency, 'total', total, 'amount_paid', 0, 'amount_due', total,
          'due_date', due_date, 'version', 2, 'subtotal', subtotal, 'tax', tax, 'issued_on', substr(issued_at, 1, 10),
          'tax_breakdown', json_array(json_object('tax_rate', (SELECT tax_rate FROM invoice_lines WHERE invoice_id = invoices.id), 'subtotal', subtotal, 'tax', tax))),
        issued_at
      FROM invoices WHERE merchant_id = ${m} AND id LIKE 'inv_acct%' ORDER BY issued_at, id`,
    `${series(seed.payments)} INSERT INTO payments (id, merchant_id, customer_id, method, status, amount, currency, reference, received_on, created_at, updated_at)
      SELECT 'pay_acct' || printf('%022d', n.i), ${m}, v.customer_id, 'bank_transfer', 'succeeded',
        CASE WHEN n.i % 2 = 0 THEN v.total / 2 ELSE v.total - v.total / 2 END, v.currency, 'VIR-' || n.i,
        date(substr(v.issued_at, 1, 10), CASE WHEN n.i % 2 = 0 THEN '+10 days' ELSE '+40 days' END), v.issued_at, v.issued_at
      FROM n JOIN invoices v ON v.id = 'inv_acct' || printf('%022d', n.i / 2)`,
    `INSERT INTO allocations (payment_id, invoice_id, position, amount, amount_refunded, applied)
      SELECT id, 'inv_acct' || printf('%022d', CAST(substr(id, 9) AS INTEGER) / 2), 0, amount, 0, 1 FROM payments WHERE merchant_id = ${m} AND id LIKE 'pay_acct%'`,
    `INSERT INTO events (id_suffix, merchant_id, type, payment_id, customer_id, data, created_at)
      SELECT lower(hex(randomblob(13))), ${m}, 'payment.succeeded', p.id, p.customer_id,
        json_object('amount', p.amount, 'currency', p.currency, 'method', p.method, 'reference', p.reference, 'received_on', p.received_on,
          'allocations', json_array(json_object('invoice', a.invoice_id, 'amount', a.amount)), 'amount_unallocated', 0),
        p.received_on || 'T12:00:00.000Z'
      FROM payments p JOIN allocations a ON a.payment_id = p.id WHERE p.merchant_id = ${m} AND p.id LIKE 'pay_acct%' ORDER BY p.received_on, p.id`,
  ];
}

/** Seeds the year into the target database (one `wrangler d1 execute --file`). */
export function seedAccountingYear(merchantId: string, seed: AccountingSeed, target: D1Target): void {
  executeWrites(accountingSeedSql(merchantId, seed).map((sql) => ({ sql, params: [] })), target);
}
