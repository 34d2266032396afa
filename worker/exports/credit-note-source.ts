/**
 * credit_notes.csv: one record per line of every credit note (avoir) issued in the range, with the
 * invoice it corrects (tables of migration 0009; `refunded` is what refunds made for it gave back).
 */
import type { CurrencyCode } from "../../shared/currencies";
import { csvRecord, major, quantity, text, vatPercent } from "./csv";
import { FIRST_CURSOR, type KeysetCursor } from "./csv-queries";
import type { CsvSource } from "./stream";
import type { DateRange } from "../lib/date-range";

export const CREDIT_NOTES_PER_PAGE = 200;

export const CREDIT_NOTE_COLUMNS = [
  "credit_note_number", "credit_note_id", "issued_on", "invoice_number", "invoice_id", "invoice_issued_on", "customer_id", "customer_name", "currency",
  "line", "description", "quantity", "unit_amount", "vat_rate", "line_ht", "line_tva", "line_ttc",
  "credit_note_ht", "credit_note_tva", "credit_note_ttc", "applied_to_invoice", "to_credit", "refunded", "reason",
] as const;

interface CreditNoteRow {
  id: string;
  number: string;
  issued_on: string;
  invoice_id: string;
  invoice_number: string;
  invoice_issued_on: string;
  customer_id: string;
  customer_name: string;
  currency: CurrencyCode;
  subtotal: number;
  tax: number;
  total: number;
  applied_to_invoice: number;
  to_credit: number;
  refunded: number;
  reason: string | null;
}

interface CreditNoteLineRow {
  credit_note_id: string;
  position: number;
  description: string;
  quantity_milli: number;
  unit_amount: number;
  tax_rate: number;
  amount_subtotal: number;
  amount_tax: number;
  amount_total: number;
}

const PAGE_WHERE = "n.merchant_id = ? AND n.issued_on BETWEEN ? AND ? AND (n.issued_on, n.id) > (?, ?)";

async function creditNotePage(db: D1Database, merchantId: string, range: DateRange, after: KeysetCursor, limit: number) {
  const params = [merchantId, range.from, range.to, after.at, after.id];
  const [notes, lines] = await db.batch([
    db
      .prepare(
        `SELECT n.id, n.number, n.issued_on, n.invoice_id, n.invoice_number, n.invoice_issued_on, n.customer_id, c.name AS customer_name,
                n.currency, n.subtotal, n.tax, n.total, n.applied_to_invoice, n.to_credit, n.reason,
                (SELECT coalesce(sum(r.amount), 0) FROM refunds r WHERE r.credit_note_id = n.id) AS refunded
           FROM credit_notes n JOIN customers c ON c.id = n.customer_id
          WHERE ${PAGE_WHERE} ORDER BY n.issued_on, n.id LIMIT ?`,
      )
      .bind(...params, limit),
    db
      .prepare(
        `SELECT l.* FROM credit_note_lines l
          WHERE l.credit_note_id IN (SELECT n.id FROM credit_notes n WHERE ${PAGE_WHERE} ORDER BY n.issued_on, n.id LIMIT ?)
          ORDER BY l.credit_note_id, l.position`,
      )
      .bind(...params, limit),
  ]);
  return { notes: notes!.results as unknown as CreditNoteRow[], lines: lines!.results as unknown as CreditNoteLineRow[] };
}

/** credit_notes.csv, page by page in issue order. */
export function creditNoteLinesSource(db: D1Database, merchantId: string, range: DateRange, perPage = CREDIT_NOTES_PER_PAGE): CsvSource<KeysetCursor> {
  return {
    header: CREDIT_NOTE_COLUMNS,
    async page(cursor) {
      const { notes, lines } = await creditNotePage(db, merchantId, range, cursor ?? FIRST_CURSOR, perPage);
      let records = "";
      for (const note of notes) {
        const c = note.currency;
        for (const line of lines.filter((row) => row.credit_note_id === note.id)) {
          records += csvRecord([
            text(note.number), note.id, note.issued_on, text(note.invoice_number), note.invoice_id, note.invoice_issued_on,
            note.customer_id, text(note.customer_name), c,
            line.position + 1, text(line.description), quantity(line.quantity_milli), major(line.unit_amount, c), vatPercent(line.tax_rate),
            major(line.amount_subtotal, c), major(line.amount_tax, c), major(line.amount_total, c),
            major(note.subtotal, c), major(note.tax, c), major(note.total, c),
            major(note.applied_to_invoice, c), major(note.to_credit, c), major(note.refunded, c), text(note.reason),
          ]);
        }
      }
      const last = notes[notes.length - 1];
      return { records, next: notes.length < perPage || last === undefined ? null : { at: last.issued_on, id: last.id } };
    },
  };
}
