/**
 * The data bench:api measures: merchants of 1,000, 10,000 and 100,000 invoices in one database, each
 * shaped like a merchant with a history: all paid but a working set of 100 open invoices not yet due
 * (the newest) and 100 overdue ones spread over the whole history (old invoices left unpaid, the
 * case a scan from the newest would have to walk the history to find), one line each, and one
 * `invoice.issued` event per invoice. Written with recursive CTEs: a few statements, not one per row.
 */
import { DEFAULT_SETTINGS } from "../../shared/schemas/settings";
import { addDays, utcDay } from "../../shared/status";
import { prepareMerchant, type SqlWrite } from "../../worker/auth/keys";

export interface SeededMerchant {
  invoices: number;
  merchantId: string;
  key: string;
  /** An open invoice of this merchant, for the status route. */
  statusInvoice: string;
}

const OPEN_NOT_DUE = 100;
const OVERDUE = 100;

/** Seconds between two seeded invoices' creation (so the newest is now). */
const SPACING_S = 60;

/** The writes that create one merchant and its invoices, lines and events. */
export async function seedMerchant(invoices: number, label: string): Promise<{ merchant: SeededMerchant; writes: SqlWrite[] }> {
  const created = await prepareMerchant({ name: `Bench ${label} SARL`, livemode: false, now: new Date(), settingsJson: JSON.stringify(DEFAULT_SETTINGS) });
  const merchantId = created.merchantId;
  const customerId = `cus_bench${label.padStart(21, "0")}`;
  const today = utcDay(new Date());
  const now = Date.now();
  const numbers = `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${invoices - 1})`;
  const id = (index: string) => `printf('inv_b${label}_%020d', ${index})`;
  // rank 0 is the newest; every (invoices / OVERDUE)-th older invoice is left unpaid and overdue.
  const rankOf = (i: string) => `(${invoices - 1} - ${i})`;
  const rank = rankOf("i");
  const overdueEvery = Math.max(1, Math.floor((invoices - OPEN_NOT_DUE) / OVERDUE));
  // In the UPDATE, an invoice's index is read back from its id.
  const seededRank = rankOf("CAST(substr(id, -20) AS INTEGER)");
  const isOpenNotDue = `${seededRank} < ${OPEN_NOT_DUE}`;
  const isOverdue = `(${seededRank} >= ${OPEN_NOT_DUE} AND (${seededRank} - ${OPEN_NOT_DUE}) % ${overdueEvery} = 0 AND (${seededRank} - ${OPEN_NOT_DUE}) / ${overdueEvery} < ${OVERDUE})`;
  const createdAt = `strftime('%Y-%m-%dT%H:%M:%fZ', ${now / 1000} - ${rank} * ${SPACING_S}, 'unixepoch')`;
  const writes: SqlWrite[] = [
    ...created.writes,
    { sql: "INSERT INTO customers (id, merchant_id, name, email, created_at) VALUES (?, ?, 'Bench client', 'bench@example.com', ?)", params: [customerId, merchantId, new Date(now).toISOString()] },
    {
      sql: `${numbers} INSERT INTO invoices (id, merchant_id, customer_id, status, currency, subtotal, tax, total, terms, hosted_token, created_at, updated_at)
            SELECT ${id("i")}, ?, ?, 'draft', 'eur', 10000, 2000, 12000, '{}', printf('tok${label}_%026d', i), ${createdAt}, ${createdAt} FROM n`,
      params: [merchantId, customerId],
    },
    {
      sql: `INSERT INTO invoice_lines (invoice_id, position, description, quantity_milli, unit_amount, tax_rate, amount_subtotal, amount_tax, amount_total)
            SELECT id, 0, 'Bench line', 1000, 10000, 2000, 10000, 2000, 12000 FROM invoices WHERE merchant_id = ?`,
      params: [merchantId],
    },
    {
      sql: `UPDATE invoices SET
              status = CASE WHEN ${isOpenNotDue} OR ${isOverdue} THEN 'open' ELSE 'paid' END,
              amount_paid = CASE WHEN ${isOpenNotDue} OR ${isOverdue} THEN 0 ELSE total END,
              number = 'B${label}-' || substr(id, -20), number_series = 'B${label}', number_seq = CAST(substr(id, -20) AS INTEGER) + 1, issued_at = created_at, version = 2,
              due_date = CASE WHEN ${isOpenNotDue} THEN ? ELSE ? END
            WHERE merchant_id = ?`,
      params: [addDays(today, 30), addDays(today, -10), merchantId],
    },
    {
      sql: `INSERT INTO events (id_suffix, merchant_id, type, invoice_id, customer_id, data, created_at)
            SELECT lower(hex(randomblob(13))), merchant_id, 'invoice.issued', id, customer_id, json_object('id', id, 'total', total, 'currency', currency), created_at
            FROM invoices WHERE merchant_id = ? ORDER BY created_at`,
      params: [merchantId],
    },
  ];
  return { merchant: { invoices, merchantId, key: created.secretKey, statusInvoice: `inv_b${label}_${String(invoices - 1).padStart(20, "0")}` }, writes };
}
