/** What the hosted pay page reads: the invoice behind a payment link, its lines and its credit notes. */
import type { CreditNoteRow } from "../credit-notes/queries";
import type { InvoiceRow, LineRow } from "../invoices/queries";

/** The issued invoice a pay-page token names, or null (a malformed token reads nothing). */
export async function findByHostedToken(db: D1Database, token: string): Promise<InvoiceRow | null> {
  if (!/^[0-9a-z]{32}$/.test(token)) return null;
  return db.prepare("SELECT * FROM invoices WHERE hosted_token = ? AND status <> 'draft'").bind(token).first<InvoiceRow>();
}

export async function linesOf(db: D1Database, invoiceId: string): Promise<LineRow[]> {
  return (await db.prepare("SELECT * FROM invoice_lines WHERE invoice_id = ? ORDER BY position").bind(invoiceId).all<LineRow>()).results;
}

/** An invoice's credit notes, oldest first (the printable invoice lists them). */
export async function creditNotesOf(db: D1Database, invoiceId: string): Promise<CreditNoteRow[]> {
  return (await db.prepare("SELECT * FROM credit_notes WHERE invoice_id = ? ORDER BY created_at, id").bind(invoiceId).all<CreditNoteRow>()).results;
}

/** One credit note of an invoice, or null (a pay-page token opens its own invoice's credit notes only). */
export function creditNoteOf(db: D1Database, invoiceId: string, id: string): Promise<CreditNoteRow | null> {
  return db.prepare("SELECT * FROM credit_notes WHERE id = ? AND invoice_id = ?").bind(id, invoiceId).first<CreditNoteRow>();
}
