/**
 * SQL of the statement import. Bulk writes take their rows as one JSON array each (`json_each`),
 * so a window of hundreds of lines is a handful of statements in one batch, whatever D1's limits
 * on bound parameters and queries per invocation.
 */
import { INVOICE_SNAPSHOT_SQL } from "../events/log";
import { amountDueSql, payableSql } from "../db/sql";
import type { InvoiceState } from "./match";

export interface StatementRow {
  id: string;
  merchant_id: string;
  format: "camt.053" | "camt.054" | "ofx";
  message_id: string | null;
  account: string;
  period_start: string | null;
  period_end: string | null;
  status: "importing" | "imported";
  line_count: number;
  byte_size: number;
  created_at: string;
  updated_at: string;
}

export interface LineRow {
  statement_id: string;
  position: number;
  merchant_id: string;
  status: "matched" | "unmatched" | "ignored" | "duplicate";
  direction: "credit" | "debit";
  amount: number;
  currency: string;
  account: string;
  booking_date: string | null;
  value_date: string | null;
  entry_ref: string;
  entry_key: string | null;
  structured_ref: string | null;
  remittance: string | null;
  payer_name: string | null;
  payer_iban: string | null;
  ignored_reason: string | null;
  match_method: "reference" | "invoice_number" | "amount_and_payer" | "manual" | null;
  payment_id: string | null;
  matched_at: string | null;
  version: number;
}

/** Chunks for `IN (SELECT value FROM json_each(?))` lookups: well under D1's 2 MB per value. */
export const LOOKUP_CHUNK = 500;
/** Amounts are small integers: a whole statement's fit in one lookup. */
const AMOUNT_CHUNK = 10_000;

const INVOICE_STATE_SQL = `SELECT i.id, i.customer_id, c.name AS customer_name, i.number, i.rf_body, i.currency, i.total, i.amount_paid, i.amount_credited,
  i.status, i.version, i.paid_at, i.issued_at FROM invoices i JOIN customers c ON c.id = i.customer_id`;

export function insertStatement(db: D1Database, row: Omit<StatementRow, "status" | "updated_at">): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO bank_statements (id, merchant_id, format, message_id, account, period_start, period_end, status, line_count, byte_size, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'importing', ?, ?, ?, ?)`,
    )
    .bind(row.id, row.merchant_id, row.format, row.message_id, row.account, row.period_start, row.period_end, row.line_count, row.byte_size, row.created_at, row.created_at);
}

export function markImported(db: D1Database, statementId: string, now: Date): D1PreparedStatement {
  return db.prepare("UPDATE bank_statements SET status = 'imported', updated_at = ? WHERE id = ?").bind(now.toISOString(), statementId);
}

/** Which of these entry keys the merchant already recorded. */
export async function existingEntryKeys(db: D1Database, merchantId: string, keys: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let start = 0; start < keys.length; start += LOOKUP_CHUNK) {
    const { results } = await db
      .prepare("SELECT entry_key FROM bank_statement_lines WHERE merchant_id = ? AND entry_key IN (SELECT value FROM json_each(?))")
      .bind(merchantId, JSON.stringify(keys.slice(start, start + LOOKUP_CHUNK)))
      .all<{ entry_key: string }>();
    for (const row of results) found.add(row.entry_key);
  }
  return found;
}

/** The merchant's issued invoices whose number has one of these RF bodies (index invoices_by_rf_body). */
export async function invoicesByBodies(db: D1Database, merchantId: string, bodies: readonly string[]): Promise<InvoiceState[]> {
  const rows: InvoiceState[] = [];
  for (let start = 0; start < bodies.length; start += LOOKUP_CHUNK) {
    const { results } = await db
      .prepare(`${INVOICE_STATE_SQL} WHERE i.merchant_id = ? AND i.rf_body IN (SELECT value FROM json_each(?))`)
      .bind(merchantId, JSON.stringify(bodies.slice(start, start + LOOKUP_CHUNK)))
      .all<InvoiceState>();
    rows.push(...results);
  }
  return rows;
}

/**
 * The merchant's payable invoices whose amount due is one of these (per currency), at most `limit`.
 * The amounts are a plain list (`IN (SELECT value FROM json_each(?))`, read once), never a join on
 * JSON objects: that form re-parses the whole array for every invoice.
 */
export async function openInvoicesByAmounts(db: D1Database, merchantId: string, amounts: readonly { currency: string; amount: number }[], limit = 20_000): Promise<InvoiceState[]> {
  const byCurrency = new Map<string, number[]>();
  for (const { currency, amount } of amounts) byCurrency.set(currency, [...(byCurrency.get(currency) ?? []), amount]);
  const rows: InvoiceState[] = [];
  for (const [currency, list] of byCurrency) {
    for (let start = 0; start < list.length && rows.length < limit; start += AMOUNT_CHUNK) {
      const { results } = await db
        .prepare(
          `${INVOICE_STATE_SQL} WHERE i.merchant_id = ? AND i.currency = ? AND ${payableSql("i.status")} AND ${amountDueSql("i.")} > 0
             AND ${amountDueSql("i.")} IN (SELECT value FROM json_each(?)) LIMIT ?`,
        )
        .bind(merchantId, currency, JSON.stringify(list.slice(start, start + AMOUNT_CHUNK)), limit - rows.length)
        .all<InvoiceState>();
      rows.push(...results);
    }
  }
  return rows;
}

/** Invoices by id (the merchant's only), to refresh state after a concurrent change. */
export async function invoicesByIds(db: D1Database, merchantId: string, ids: readonly string[]): Promise<InvoiceState[]> {
  const { results } = await db
    .prepare(`${INVOICE_STATE_SQL} WHERE i.merchant_id = ? AND i.id IN (SELECT value FROM json_each(?))`)
    .bind(merchantId, JSON.stringify(ids))
    .all<InvoiceState>();
  return results;
}

export async function customersByIbans(db: D1Database, merchantId: string, ibans: readonly string[]): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for (let start = 0; start < ibans.length; start += LOOKUP_CHUNK) {
    const { results } = await db
      .prepare("SELECT iban, customer_id FROM bank_payers WHERE merchant_id = ? AND iban IN (SELECT value FROM json_each(?))")
      .bind(merchantId, JSON.stringify(ibans.slice(start, start + LOOKUP_CHUNK)))
      .all<{ iban: string; customer_id: string }>();
    for (const row of results) map.set(row.iban, row.customer_id);
  }
  return map;
}

/** What one window of the import writes (and what a manual allocation writes), as JSON rows. */
export interface WritePlan {
  payments: { id: string; customer: string; amount: number; currency: string; reference: string | null; received_on: string }[];
  allocations: { payment: string; invoice: string; position: number; amount: number }[];
  /** Each invoice once per plan: the version read, its amounts after the plan, how many payments it took. */
  invoices: { id: string; version: number; paid: number; status: string; paid_at: string | null; touches: number }[];
  /** Per allocation, in order, with the invoice's moving figures right after it (the row holds only the last). */
  invoiceEvents: {
    suffix: string; type: "invoice.paid" | "invoice.partially_paid"; invoice: string; payment: string; amount: number;
    paid: number; status: string; due: number; version: number;
  }[];
  paymentEvents: { suffix: string; payment: string; customer: string; data: Record<string, unknown> }[];
  payers: { iban: string; customer: string }[];
}

/**
 * The statements of a plan, in order: version guard, payments, allocations, invoices, events,
 * learnt payers. Invoice events take their shape and fixed figures from the row (the snapshot every
 * invoice event carries) and the figures a payment moves from the plan, so two payments of one
 * invoice in one batch each show the state they left.
 */
export function planStatements(db: D1Database, merchantId: string, plan: WritePlan, now: Date): D1PreparedStatement[] {
  const at = now.toISOString();
  const field = (name: string) => `json_extract(value, '$.${name}')`;
  if (plan.payments.length === 0) return [];
  return [
    db
      .prepare(
        `INSERT INTO batch_guard (reason) SELECT 'refused' WHERE (SELECT count(*) FROM json_each(?1) j JOIN invoices i
           ON i.id = json_extract(j.value, '$.id') AND i.version = json_extract(j.value, '$.version')) <> json_array_length(?1)`,
      )
      .bind(JSON.stringify(plan.invoices.map(({ id, version }) => ({ id, version })))),
    db
      .prepare(
        `INSERT INTO payments (id, merchant_id, customer_id, method, status, amount, currency, reference, received_on, created_at, updated_at)
         SELECT ${field("id")}, ?, ${field("customer")}, 'bank_transfer', 'succeeded', ${field("amount")}, ${field("currency")}, ${field("reference")}, ${field("received_on")}, ?, ?
         FROM json_each(?) ORDER BY key`,
      )
      .bind(merchantId, at, at, JSON.stringify(plan.payments)),
    db
      .prepare(`INSERT INTO allocations (payment_id, invoice_id, position, amount) SELECT ${field("payment")}, ${field("invoice")}, ${field("position")}, ${field("amount")} FROM json_each(?)`)
      .bind(JSON.stringify(plan.allocations)),
    db
      .prepare(
        `UPDATE invoices SET amount_paid = u.paid, status = u.status, paid_at = u.paid_at, updated_at = ?, version = version + u.touches
         FROM (SELECT ${field("id")} AS id, ${field("paid")} AS paid, ${field("status")} AS status, ${field("paid_at")} AS paid_at, ${field("touches")} AS touches FROM json_each(?)) AS u
         WHERE invoices.id = u.id`,
      )
      .bind(at, JSON.stringify(plan.invoices)),
    db
      .prepare(
        `INSERT INTO events (id_suffix, merchant_id, type, invoice_id, payment_id, customer_id, data, created_at)
         SELECT json_extract(j.value, '$.suffix'), invoices.merchant_id, json_extract(j.value, '$.type'), invoices.id, json_extract(j.value, '$.payment'), invoices.customer_id,
           json_patch(${INVOICE_SNAPSHOT_SQL}, json_object('status', json_extract(j.value, '$.status'), 'amount_paid', json_extract(j.value, '$.paid'),
             'amount_due', json_extract(j.value, '$.due'), 'version', json_extract(j.value, '$.version'), 'amount_allocated', json_extract(j.value, '$.amount'))), ?
         FROM json_each(?) j JOIN invoices ON invoices.id = json_extract(j.value, '$.invoice') ORDER BY j.key`,
      )
      .bind(at, JSON.stringify(plan.invoiceEvents)),
    db
      .prepare(
        `INSERT INTO events (id_suffix, merchant_id, type, payment_id, customer_id, data, created_at)
         SELECT ${field("suffix")}, ?, 'payment.succeeded', ${field("payment")}, ${field("customer")}, json(${field("data")}), ? FROM json_each(?) ORDER BY key`,
      )
      .bind(merchantId, at, JSON.stringify(plan.paymentEvents.map((event) => ({ ...event, data: JSON.stringify(event.data) })))),
    db
      .prepare(
        `INSERT INTO bank_payers (merchant_id, iban, customer_id, updated_at) SELECT ?, ${field("iban")}, ${field("customer")}, ? FROM json_each(?) WHERE true
         ON CONFLICT (merchant_id, iban) DO UPDATE SET customer_id = excluded.customer_id, updated_at = excluded.updated_at`,
      )
      .bind(merchantId, at, JSON.stringify(plan.payers)),
  ];
}

/** Inserts lines (as LineRow objects without merchant and version). The unique entry key refuses a transaction recorded meanwhile. */
export function insertLines(db: D1Database, merchantId: string, lines: readonly Omit<LineRow, "merchant_id" | "version">[]): D1PreparedStatement {
  const columns = ["statement_id", "position", "status", "direction", "amount", "currency", "account", "booking_date", "value_date", "entry_ref", "entry_key",
    "structured_ref", "remittance", "payer_name", "payer_iban", "ignored_reason", "match_method", "payment_id", "matched_at"] as const;
  return db
    .prepare(
      `INSERT INTO bank_statement_lines (merchant_id, ${columns.join(", ")})
       SELECT ?, ${columns.map((column) => `json_extract(value, '$.${column}')`).join(", ")} FROM json_each(?)`,
    )
    .bind(merchantId, JSON.stringify(lines.map((line) => Object.fromEntries(columns.map((column) => [column, line[column]])))));
}

/**
 * Sets an unmatched line aside as `ignored` with the person's reason. It keeps its `entry_key`, so
 * the same transaction imported again stays a duplicate and is never recorded as a payment.
 * `meta.changes` is 0 when the line was not unmatched (any more).
 */
export function ignoreLineStatement(db: D1Database, statementId: string, position: number, reason: string): D1PreparedStatement {
  return db
    .prepare("UPDATE bank_statement_lines SET status = 'ignored', ignored_reason = ?, version = version + 1 WHERE statement_id = ? AND position = ? AND status = 'unmatched'")
    .bind(reason, statementId, position);
}
