/** Invoices as the API answers them: one with its lines and payments, or a page of them. */
import { utcDay } from "../../shared/status";
import { notFound } from "../errors";
import { toPage } from "../lib/pagination";
import { findInvoice, loadDetails, serializeInvoice, type InvoiceRow } from "./queries";

/** Loads and serializes one invoice of the merchant (of one customer when given), or 404. */
export async function loadInvoice(db: D1Database, merchantId: string, id: string, origin: string, customerId?: string) {
  const row = await findInvoice(db, merchantId, id, customerId);
  if (row === null) throw notFound("invoice", id);
  const { lines, payments, creditNotes } = await loadDetails(db, [row.id]);
  return serializeInvoice(row, lines.get(row.id) ?? [], payments.get(row.id) ?? [], utcDay(new Date()), origin, creditNotes.get(row.id) ?? []);
}

/** Serializes a page of invoice rows with their lines and payments (two queries, whatever the page size). */
export async function serializeInvoices(db: D1Database, rows: InvoiceRow[], limit: number, origin: string) {
  const { lines, payments, creditNotes } = await loadDetails(db, rows.slice(0, limit).map((row) => row.id));
  const today = utcDay(new Date());
  return toPage(rows, limit, (row) => serializeInvoice(row, lines.get(row.id) ?? [], payments.get(row.id) ?? [], today, origin, creditNotes.get(row.id) ?? []));
}
