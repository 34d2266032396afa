/** Reading invoices: rows, their lines and payments, and their API shape. */
import type { CurrencyCode } from "../../shared/currencies";
import { breakdownByTaxRate, milliToQuantity } from "../../shared/money";
import type { Invoice, InvoiceStatusBody, InvoiceStatusValue, TermsValue } from "../../shared/schemas/invoices";
import type { z } from "zod";
import type { OnlineMethod } from "../../shared/schemas/common";
import { amountDue as amountDueOf, overdueOf, utcDay } from "../../shared/status";
import type { InvoiceListQuery } from "../../shared/schemas/invoices";
import { amountDueSql, payableSql } from "../db/sql";
import { cursorCondition } from "../lib/pagination";
import { accruedLateFees, DEFAULT_LATE_FEE_POLICY, type LateFeePolicy } from "../../shared/late-fees";

export interface InvoiceRow {
  id: string;
  merchant_id: string;
  customer_id: string;
  status: InvoiceStatusValue;
  currency: CurrencyCode;
  number: string | null;
  subtotal: number;
  tax: number;
  total: number;
  amount_paid: number;
  amount_credited: number;
  processing: number;
  due_date: string | null;
  net_days: number | null;
  terms: string;
  payment_methods: string | null;
  memo: string | null;
  /** JSON of this invoice's e-invoicing choices (InvoiceEinvoice), or null. */
  einvoice?: string | null;
  /** JSON {settings, customer} frozen at issue (migration 0016): what its documents say of seller and buyer; null before. */
  parties?: string | null;
  hosted_token: string;
  version: number;
  issued_at: string | null;
  voided_at: string | null;
  paid_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface LineRow {
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

export interface InvoicePaymentRow {
  invoice_id: string;
  payment_id: string;
  amount: number;
  amount_refunded: number;
  method: string;
  status: string;
  created_at: string;
}

/** One invoice of a merchant (optionally of one customer), or null. */
export function findInvoice(db: D1Database, merchantId: string, invoiceId: string, customerId?: string): Promise<InvoiceRow | null> {
  if (customerId === undefined) {
    return db.prepare("SELECT * FROM invoices WHERE id = ? AND merchant_id = ?").bind(invoiceId, merchantId).first<InvoiceRow>();
  }
  return db
    .prepare("SELECT * FROM invoices WHERE id = ? AND merchant_id = ? AND customer_id = ? AND status <> 'draft'")
    .bind(invoiceId, merchantId, customerId)
    .first<InvoiceRow>();
}

/** A page of a merchant's invoices, newest first, filtered as the list endpoint allows (`limit + 1` rows). */
export async function listInvoices(db: D1Database, merchantId: string, query: z.infer<typeof InvoiceListQuery>, now: Date): Promise<InvoiceRow[]> {
  const where: string[] = ["merchant_id = ?"];
  const params: (string | number)[] = [merchantId];
  if (query.status) (where.push("status = ?"), params.push(query.status));
  if (query.customer) (where.push("customer_id = ?"), params.push(query.customer));
  if (query.due_before) (where.push("due_date < ?"), params.push(query.due_before));
  if (query.due_after) (where.push("due_date > ?"), params.push(query.due_after));
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push("(number LIKE ? ESCAPE '\\' OR customer_id IN (SELECT id FROM customers WHERE merchant_id = ? AND name LIKE ? ESCAPE '\\'))");
    params.push(like, merchantId, like);
  }
  if (query.overdue === "true") {
    where.push(`${payableSql()} AND ${amountDueSql()} > 0 AND due_date < ?`);
    params.push(utcDay(now));
  } else if (query.overdue === "false") {
    where.push(`NOT (${payableSql()} AND ${amountDueSql()} > 0 AND due_date IS NOT NULL AND due_date < ?)`);
    params.push(utcDay(now));
  }
  const cursor = await cursorCondition(db, "invoices", merchantId, query.starting_after);
  const filters = `${where.join(" AND ")}${cursor.sql} ORDER BY created_at DESC, id DESC LIMIT ?`;
  // Overdue: the page's ids from the index of unpaid payable invoices alone (migration 0012), then those rows.
  const sql = query.overdue === "true"
    ? `SELECT * FROM invoices WHERE id IN (SELECT id FROM invoices INDEXED BY invoices_overdue_by_due_date WHERE ${filters}) ORDER BY created_at DESC, id DESC`
    : `SELECT * FROM invoices WHERE ${filters}`;
  const { results } = await db
    .prepare(sql)
    .bind(...params, ...cursor.params, query.limit + 1)
    .all<InvoiceRow>();
  return results;
}

/** A page of a customer's issued invoices (one invoice only for a pay-page session), newest first. */
export async function listClientInvoices(
  db: D1Database,
  scope: { merchantId: string; customerId: string; invoiceId: string | null },
  query: { status?: InvoiceStatusValue | undefined; starting_after?: string | undefined; limit: number },
): Promise<InvoiceRow[]> {
  const cursor = await cursorCondition(db, "invoices", scope.merchantId, query.starting_after);
  const statusFilter = query.status ? " AND status = ?" : "";
  const invoiceFilter = scope.invoiceId ? " AND id = ?" : "";
  const { results } = await db
    .prepare(
      `SELECT * FROM invoices WHERE merchant_id = ? AND customer_id = ? AND status <> 'draft'${statusFilter}${invoiceFilter}${cursor.sql}
       ORDER BY created_at DESC, id DESC LIMIT ?`,
    )
    .bind(scope.merchantId, scope.customerId, ...(query.status ? [query.status] : []), ...(scope.invoiceId ? [scope.invoiceId] : []), ...cursor.params, query.limit + 1)
    .all<InvoiceRow>();
  return results;
}

/** The columns the light status shows (and its ETag is made of): nothing else is read on the hot path. */
export type StatusRow = Pick<InvoiceRow, "id" | "status" | "processing" | "total" | "amount_paid" | "amount_credited" | "currency" | "due_date" | "version" | "updated_at">;

/**
 * The light status's columns of one invoice, one primary-key read, with the seq of its latest event
 * (0 when not asked: the long-poll needs it, a plain read does not).
 */
export function findInvoiceStatus(db: D1Database, merchantId: string, invoiceId: string, withEventSeq: boolean) {
  const lastEventSeq = withEventSeq ? "(SELECT coalesce(max(seq), 0) FROM events WHERE invoice_id = i.id)" : "0";
  return db
    .prepare(
      `SELECT i.id, i.status, i.processing, i.total, i.amount_paid, i.amount_credited, i.currency, i.due_date, i.version, i.updated_at, ${lastEventSeq} AS last_event_seq
       FROM invoices i WHERE i.id = ? AND i.merchant_id = ?`,
    )
    .bind(invoiceId, merchantId)
    .first<StatusRow & { last_event_seq: number }>();
}

/** A credit note as its invoice lists it. */
export interface InvoiceCreditNoteRow {
  invoice_id: string;
  id: string;
  number: string;
  issued_on: string;
  total: number;
}

/** Lines, payments and credit notes of several invoices in one round trip. */
export async function loadDetails(
  db: D1Database,
  invoiceIds: readonly string[],
): Promise<{ lines: Map<string, LineRow[]>; payments: Map<string, InvoicePaymentRow[]>; creditNotes: Map<string, InvoiceCreditNoteRow[]> }> {
  const lines = new Map<string, LineRow[]>();
  const payments = new Map<string, InvoicePaymentRow[]>();
  const creditNotes = new Map<string, InvoiceCreditNoteRow[]>();
  if (invoiceIds.length === 0) return { lines, payments, creditNotes };
  const ids = JSON.stringify(invoiceIds);
  const [lineResult, paymentResult, creditNoteResult] = await db.batch([
    db.prepare("SELECT * FROM invoice_lines WHERE invoice_id IN (SELECT value FROM json_each(?)) ORDER BY invoice_id, position").bind(ids),
    db
      .prepare(
        `SELECT a.invoice_id, a.payment_id, a.amount, a.amount_refunded, p.method, p.status, p.created_at
         FROM allocations a JOIN payments p ON p.id = a.payment_id
         WHERE a.invoice_id IN (SELECT value FROM json_each(?)) ORDER BY p.created_at, p.id`,
      )
      .bind(ids),
    db
      .prepare("SELECT invoice_id, id, number, issued_on, total FROM credit_notes WHERE invoice_id IN (SELECT value FROM json_each(?)) ORDER BY created_at, id")
      .bind(ids),
  ]);
  for (const row of creditNoteResult!.results as unknown as InvoiceCreditNoteRow[]) {
    creditNotes.set(row.invoice_id, [...(creditNotes.get(row.invoice_id) ?? []), row]);
  }
  for (const row of lineResult!.results as unknown as LineRow[]) {
    lines.set(row.invoice_id, [...(lines.get(row.invoice_id) ?? []), row]);
  }
  for (const row of paymentResult!.results as unknown as InvoicePaymentRow[]) {
    payments.set(row.invoice_id, [...(payments.get(row.invoice_id) ?? []), row]);
  }
  return { lines, payments, creditNotes };
}

/** The light status: what a poller needs, nothing more. */
export function statusOf(row: StatusRow, today: string): InvoiceStatusBody {
  const amountDue = amountDueOf(row);
  const { overdue, daysOverdue } = overdueOf({ status: row.status, amountDue, dueDate: row.due_date }, today);
  return {
    id: row.id,
    status: row.status,
    processing: row.processing > 0,
    amount_due: amountDue,
    amount_paid: row.amount_paid,
    currency: row.currency,
    overdue,
    days_overdue: daysOverdue,
    version: row.version,
    updated_at: row.updated_at,
  };
}

/** The whole invoice as the API answers it. */
export function serializeInvoice(
  row: InvoiceRow,
  lines: readonly LineRow[],
  payments: readonly InvoicePaymentRow[],
  today: string,
  origin: string,
  creditNotes: readonly InvoiceCreditNoteRow[] = [],
): Invoice {
  const status = statusOf(row, today);
  const terms = JSON.parse(row.terms) as TermsValue & { late_fee?: LateFeePolicy };
  const fees = status.overdue && row.due_date
    ? accruedLateFees({ amountDue: status.amount_due, currency: row.currency, dueDate: row.due_date, today, policy: terms.late_fee ?? DEFAULT_LATE_FEE_POLICY, customerType: terms.customer_type ?? "business" })
    : null;
  return {
    id: row.id,
    object: "invoice",
    number: row.number,
    customer: row.customer_id,
    status: row.status,
    processing: status.processing,
    currency: row.currency,
    lines: lines.map((line) => ({
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
    tax_breakdown: breakdownByTaxRate(
      lines.map((line) => ({ taxRateBp: line.tax_rate, subtotal: line.amount_subtotal, tax: line.amount_tax })),
    ),
    amount_paid: row.amount_paid,
    amount_credited: row.amount_credited,
    amount_due: status.amount_due,
    credit_notes: creditNotes.map(({ id, number, issued_on, total }) => ({ id, number, issued_on, total })),
    due_date: row.due_date,
    net_days: row.net_days,
    overdue: status.overdue,
    days_overdue: status.days_overdue,
    late_fees: fees && { days_late: fees.daysLate, interest: fees.interest, indemnity: fees.indemnity, total: fees.total },
    terms,
    payment_methods: row.payment_methods === null ? null : (JSON.parse(row.payment_methods) as z.infer<typeof OnlineMethod>[]),
    memo: row.memo,
    einvoice: row.einvoice ? (JSON.parse(row.einvoice) as Invoice["einvoice"]) : null,
    payments: payments.map((payment) => ({
      payment: payment.payment_id,
      amount: payment.amount,
      amount_refunded: payment.amount_refunded,
      method: payment.method,
      status: payment.status,
      created: payment.created_at,
    })),
    hosted_url: row.status === "draft" ? null : `${origin}/pay/${row.hosted_token}`,
    version: row.version,
    issued_at: row.issued_at,
    voided_at: row.voided_at,
    paid_at: row.paid_at,
    created: row.created_at,
    updated_at: row.updated_at,
  };
}

/** The merchant's issued numbers matching a GLOB (the candidates a numbering format could repeat). */
export async function numbersLike(db: D1Database, merchantId: string, glob: string): Promise<{ number: string; number_series: string | null; number_seq: number | null }[]> {
  const { results } = await db
    .prepare("SELECT number, number_series, number_seq FROM invoices WHERE merchant_id = ? AND number GLOB ?")
    .bind(merchantId, glob)
    .all<{ number: string; number_series: string | null; number_seq: number | null }>();
  return results;
}

/** The merchant's numbering counters: series → next number. */
export async function seriesCounters(db: D1Database, merchantId: string): Promise<Map<string, number>> {
  const { results } = await db.prepare("SELECT series, next_number FROM number_series WHERE merchant_id = ?").bind(merchantId).all<{ series: string; next_number: number }>();
  return new Map(results.map((row) => [row.series, row.next_number]));
}
