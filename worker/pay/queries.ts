/** What the hosted pay page reads: the invoice behind a payment link and its lines. */
import type { InvoiceRow, LineRow } from "../invoices/queries";

/** The issued invoice a pay-page token names, or null (a malformed token reads nothing). */
export async function findByHostedToken(db: D1Database, token: string): Promise<InvoiceRow | null> {
  if (!/^[0-9a-z]{32}$/.test(token)) return null;
  return db.prepare("SELECT * FROM invoices WHERE hosted_token = ? AND status <> 'draft'").bind(token).first<InvoiceRow>();
}

export async function linesOf(db: D1Database, invoiceId: string): Promise<LineRow[]> {
  return (await db.prepare("SELECT * FROM invoice_lines WHERE invoice_id = ? ORDER BY position").bind(invoiceId).all<LineRow>()).results;
}
