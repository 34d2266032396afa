/**
 * The CSV exports' reads: keyset pages over a merchant's documents in date order (the cursor is the
 * last (date, id) written), each page read with its details in one D1 batch, so a page is one
 * consistent snapshot and one round trip. Indexes: `invoices_by_issue`, `payments_by_received`
 * (migration 0011).
 */
import type { CurrencyCode } from "../../shared/currencies";
import type { InvoiceStatusValue } from "../../shared/status";
import { paymentDaySql, RECEIVED_STATUSES_SQL } from "../db/sql";
import { dayAfter, type DateRange } from "../lib/date-range";

/** Where a page starts: after this (date or timestamp, id). The first page starts after ("", ""). */
export interface KeysetCursor {
  at: string;
  id: string;
}

export const FIRST_CURSOR: KeysetCursor = { at: "", id: "" };


export interface ExportInvoiceRow {
  id: string;
  number: string;
  issued_at: string;
  due_date: string | null;
  customer_id: string;
  customer_name: string;
  currency: CurrencyCode;
  subtotal: number;
  tax: number;
  total: number;
  status: InvoiceStatusValue;
  amount_paid: number;
  amount_credited: number;
}

export interface ExportLineRow {
  invoice_id: string;
  position: number;
  description: string;
  quantity_milli: number;
  unit_amount: number;
  tax_rate: number;
  amount_subtotal: number;
  amount_tax: number;
  amount_total: number;
}

const INVOICE_PAGE_WHERE = `i.merchant_id = ? AND i.issued_at >= ? AND i.issued_at < ? AND (i.issued_at, i.id) > (?, ?)`;

/** A statement of an export page: its SQL and parameters (the benchmark reads their plans and rows read). */
export interface PageQuery {
  name: string;
  sql: string;
  params: (string | number)[];
}

/** The two statements of an invoices.csv page: the invoices after the cursor, and their lines. */
export function invoicePageQueries(merchantId: string, range: DateRange, after: KeysetCursor, limit: number): PageQuery[] {
  const params = [merchantId, range.from, dayAfter(range.to), after.at, after.id, limit];
  return [
    {
      name: "invoices",
      sql: `SELECT i.id, i.number, i.issued_at, i.due_date, i.customer_id, c.name AS customer_name, i.currency, i.subtotal, i.tax, i.total,
                   i.status, i.amount_paid, i.amount_credited
              FROM invoices i JOIN customers c ON c.id = i.customer_id
             WHERE ${INVOICE_PAGE_WHERE} ORDER BY i.issued_at, i.id LIMIT ?`,
      params,
    },
    {
      name: "their lines",
      sql: `SELECT l.* FROM invoice_lines l
             WHERE l.invoice_id IN (SELECT i.id FROM invoices i WHERE ${INVOICE_PAGE_WHERE} ORDER BY i.issued_at, i.id LIMIT ?)
             ORDER BY l.invoice_id, l.position`,
      params,
    },
  ];
}

/** Issued invoices of the range (by issue date) after the cursor, with their lines. */
export async function invoicePage(db: D1Database, merchantId: string, range: DateRange, after: KeysetCursor, limit: number) {
  const [invoices, lines] = await db.batch(invoicePageQueries(merchantId, range, after, limit).map((query) => db.prepare(query.sql).bind(...query.params)));
  return { invoices: invoices!.results as unknown as ExportInvoiceRow[], lines: lines!.results as unknown as ExportLineRow[] };
}

export interface ExportPaymentRow {
  id: string;
  day: string;
  customer_id: string;
  customer_name: string;
  method: string;
  provider: string | null;
  reference: string | null;
  currency: CurrencyCode;
  amount: number;
  amount_refunded: number;
  status: string;
}

export interface ExportAllocationRow {
  payment_id: string;
  invoice_id: string;
  invoice_number: string | null;
  position: number;
  amount: number;
  amount_refunded: number;
}


const PAYMENT_DAY_P = paymentDaySql("p");
const PAYMENT_PAGE_WHERE = `p.merchant_id = ? AND ${PAYMENT_DAY_P} BETWEEN ? AND ? AND (${PAYMENT_DAY_P}, p.id) > (?, ?) AND p.status IN ${RECEIVED_STATUSES_SQL}`;

/** The two statements of a payments.csv page: the payments after the cursor, and their applied allocations. */
export function paymentPageQueries(merchantId: string, range: DateRange, after: KeysetCursor, limit: number): PageQuery[] {
  const params = [merchantId, range.from, range.to, after.at, after.id, limit];
  return [
    {
      name: "payments",
      sql: `SELECT p.id, ${PAYMENT_DAY_P} AS day, p.customer_id, c.name AS customer_name, p.method, p.provider, p.reference, p.currency,
                   p.amount, p.amount_refunded, p.status
              FROM payments p JOIN customers c ON c.id = p.customer_id
             WHERE ${PAYMENT_PAGE_WHERE} ORDER BY ${PAYMENT_DAY_P}, p.id LIMIT ?`,
      params,
    },
    {
      name: "their allocations",
      sql: `SELECT a.payment_id, a.invoice_id, i.number AS invoice_number, a.position, a.amount, a.amount_refunded
              FROM allocations a JOIN invoices i ON i.id = a.invoice_id
             WHERE a.applied = 1 AND a.payment_id IN (SELECT p.id FROM payments p WHERE ${PAYMENT_PAGE_WHERE} ORDER BY ${PAYMENT_DAY_P}, p.id LIMIT ?)
             ORDER BY a.payment_id, a.position`,
      params,
    },
  ];
}

/** Received payments of the range (by the day the money came) after the cursor, with their applied allocations. */
export async function paymentPage(db: D1Database, merchantId: string, range: DateRange, after: KeysetCursor, limit: number) {
  const [payments, allocations] = await db.batch(paymentPageQueries(merchantId, range, after, limit).map((query) => db.prepare(query.sql).bind(...query.params)));
  return { payments: payments!.results as unknown as ExportPaymentRow[], allocations: allocations!.results as unknown as ExportAllocationRow[] };
}
