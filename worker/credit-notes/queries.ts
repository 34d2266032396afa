/** Reading credit notes: rows, their lines, what an invoice's payments hold, and the API shape. */
import type { CurrencyCode } from "../../shared/currencies";
import { milliToQuantity } from "../../shared/money";
import type { CreditNote } from "../../shared/schemas/credit-notes";
import { cursorCondition, toPage } from "../lib/pagination";
import { creditNoteBreakdown, type InvoiceLineRow, type PricedLine } from "./amounts";

export interface CreditNoteRow {
  id: string;
  merchant_id: string;
  invoice_id: string;
  customer_id: string;
  number: string;
  number_series: string;
  number_seq: number;
  invoice_number: string;
  invoice_issued_on: string;
  currency: CurrencyCode;
  subtotal: number;
  tax: number;
  total: number;
  applied_to_invoice: number;
  to_credit: number;
  refund_requested: number;
  reason: string;
  line_count: number;
  issued_on: string;
  created_at: string;
}

export interface CreditNoteLineRow extends PricedLine {
  credit_note_id: string;
  position: number;
}

/** An applied allocation of an invoice with its payment's version, newest payment first. */
export interface InvoiceAllocation {
  payment_id: string;
  amount: number;
  amount_refunded: number;
  payment_version: number;
}

export function findCreditNote(db: D1Database, merchantId: string, id: string): Promise<CreditNoteRow | null> {
  return db.prepare("SELECT * FROM credit_notes WHERE id = ? AND merchant_id = ?").bind(id, merchantId).first<CreditNoteRow>();
}

/** A page of a merchant's credit notes, newest first, by invoice or customer (`limit + 1` rows). */
export async function listCreditNotes(
  db: D1Database,
  merchantId: string,
  query: { limit: number; starting_after?: string | undefined; invoice?: string | undefined; customer?: string | undefined },
): Promise<CreditNoteRow[]> {
  const filters: string[] = [];
  const params: string[] = [];
  if (query.invoice) (filters.push(" AND invoice_id = ?"), params.push(query.invoice));
  if (query.customer) (filters.push(" AND customer_id = ?"), params.push(query.customer));
  const cursor = await cursorCondition(db, "credit_notes", merchantId, query.starting_after);
  const { results } = await db
    .prepare(`SELECT * FROM credit_notes WHERE merchant_id = ?${filters.join("")}${cursor.sql} ORDER BY created_at DESC, id DESC LIMIT ?`)
    .bind(merchantId, ...params, ...cursor.params, query.limit + 1)
    .all<CreditNoteRow>();
  return results;
}

/** Everything issuing a credit note reads about its invoice, in one round trip. */
export async function invoiceCreditState(db: D1Database, invoiceId: string): Promise<{ lines: InvoiceLineRow[]; credited: PricedLine[]; allocations: InvoiceAllocation[] }> {
  const [lines, credited, allocations] = await db.batch([
    db.prepare("SELECT * FROM invoice_lines WHERE invoice_id = ? ORDER BY position").bind(invoiceId),
    db.prepare("SELECT l.* FROM credit_note_lines l JOIN credit_notes c ON c.id = l.credit_note_id WHERE c.invoice_id = ? ORDER BY c.created_at, l.position").bind(invoiceId),
    db
      .prepare(
        `SELECT a.payment_id, a.amount, a.amount_refunded, p.version AS payment_version FROM allocations a JOIN payments p ON p.id = a.payment_id
         WHERE a.invoice_id = ? AND a.applied = 1 ORDER BY p.created_at DESC, p.id DESC`,
      )
      .bind(invoiceId),
  ]);
  return {
    lines: lines!.results as unknown as InvoiceLineRow[],
    credited: credited!.results as unknown as PricedLine[],
    allocations: allocations!.results as unknown as InvoiceAllocation[],
  };
}

/** Credit notes' issued numbers matching a GLOB, with their series as the invoice numbering reads them. */
export async function creditNoteNumbersLike(db: D1Database, merchantId: string, glob: string) {
  const { results } = await db
    .prepare("SELECT number, substr(number_series, 13) AS number_series, number_seq FROM credit_notes WHERE merchant_id = ? AND number GLOB ?")
    .bind(merchantId, glob)
    .all<{ number: string; number_series: string; number_seq: number }>();
  return results;
}

/** The credit-note counters: series (without the 'credit_note:' key prefix) → next number. */
export async function creditNoteCounters(db: D1Database, merchantId: string): Promise<Map<string, number>> {
  const { results } = await db
    .prepare("SELECT substr(series, 13) AS series, next_number FROM number_series WHERE merchant_id = ? AND series LIKE 'credit\\_note:%' ESCAPE '\\'")
    .bind(merchantId)
    .all<{ series: string; next_number: number }>();
  return new Map(results.map((row) => [row.series, row.next_number]));
}

/** Credit notes as the API answers them, with their lines, refunds and print links (two queries for all). */
export async function serializeCreditNotes(db: D1Database, rows: readonly CreditNoteRow[], origin: string): Promise<CreditNote[]> {
  if (rows.length === 0) return [];
  const ids = JSON.stringify(rows.map((row) => row.id));
  const [lineResult, extraResult] = await db.batch([
    db.prepare("SELECT * FROM credit_note_lines WHERE credit_note_id IN (SELECT value FROM json_each(?)) ORDER BY credit_note_id, position").bind(ids),
    db
      .prepare(
        `SELECT c.id, i.hosted_token, (SELECT coalesce(sum(r.amount), 0) FROM refunds r WHERE r.credit_note_id = c.id) AS refunded
         FROM credit_notes c JOIN invoices i ON i.id = c.invoice_id WHERE c.id IN (SELECT value FROM json_each(?))`,
      )
      .bind(ids),
  ]);
  const lines = lineResult!.results as unknown as CreditNoteLineRow[];
  const extra = new Map((extraResult!.results as unknown as { id: string; hosted_token: string; refunded: number }[]).map((row) => [row.id, row]));
  return rows.map((row) => {
    const own = lines.filter((line) => line.credit_note_id === row.id);
    return {
      id: row.id,
      object: "credit_note" as const,
      number: row.number,
      invoice: row.invoice_id,
      invoice_number: row.invoice_number,
      invoice_issued_on: row.invoice_issued_on,
      customer: row.customer_id,
      currency: row.currency,
      lines: own.map((line) => ({
        invoice_line: line.invoice_line,
        description: line.description,
        quantity: milliToQuantity(line.quantity_milli),
        unit_amount: line.unit_amount,
        tax_rate: line.tax_rate,
        amount_subtotal: line.amount_subtotal,
        amount_tax: line.amount_tax,
        amount_total: line.amount_total,
      })),
      subtotal: row.subtotal,
      tax: row.tax,
      total: row.total,
      tax_breakdown: creditNoteBreakdown(own),
      applied_to_invoice: row.applied_to_invoice,
      to_credit: row.to_credit,
      refunded: extra.get(row.id)?.refunded ?? 0,
      reason: row.reason,
      issued_on: row.issued_on,
      issued_at: row.created_at,
      hosted_url: `${origin}/pay/${extra.get(row.id)?.hosted_token ?? ""}/credit_notes/${row.id}`,
      pdf: `${origin}/v1/credit_notes/${row.id}/pdf`,
    };
  });
}

/** A page of credit note rows, serialized. */
export async function serializeCreditNotePage(db: D1Database, rows: CreditNoteRow[], limit: number, origin: string) {
  const serialized = new Map((await serializeCreditNotes(db, rows.slice(0, limit), origin)).map((note) => [note.id, note]));
  return toPage(rows, limit, (row) => serialized.get(row.id)!);
}

/** A credit note's lines, in order (the printable page). */
export async function creditNoteLines(db: D1Database, id: string): Promise<CreditNoteLineRow[]> {
  return (await db.prepare("SELECT * FROM credit_note_lines WHERE credit_note_id = ? ORDER BY position").bind(id).all<CreditNoteLineRow>()).results;
}
