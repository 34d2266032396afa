/** Creating, changing, issuing, voiding and writing off invoices. Each change and its events land in one batch. */
import { documentLinks } from "../../shared/document-links";
import { AmountOutOfRangeError, computeInvoiceAmounts, quantityToMilli } from "../../shared/money";
import type { InvoiceCreateInput, InvoiceUpdateInput } from "../../shared/schemas/invoices";
import type { Settings } from "../../shared/schemas/settings";
import { addDays, isPayable, utcDay } from "../../shared/status";
import { runBatch, versionGuard, withRetries } from "../db/batch";
import { appendInvoiceEvent, type LogMoved } from "../events/log";
import { ApiError, notFound } from "../errors";
import { newId, randomBase32 } from "../lib/crypto";
import { frozenSettings, getSettings } from "../db/settings";
import { issueStatements } from "./numbering";
import { offsetsOf, scheduleInvoiceStatements } from "../reminders/schedule";
import { findInvoice, type InvoiceRow } from "./queries";

type LineInput = InvoiceCreateInput["lines"][number];

function priceLines(lines: readonly LineInput[]) {
  const inputs = lines.map((line) => ({ quantityMilli: quantityToMilli(line.quantity)!, unitAmount: line.unit_amount, taxRateBp: line.tax_rate }));
  try {
    const amounts = computeInvoiceAmounts(inputs);
    if (amounts.total <= 0) throw new ApiError("invoice_total_not_positive", "An invoice's total must be greater than zero.", "lines");
    return { inputs, amounts };
  } catch (error) {
    if (error instanceof AmountOutOfRangeError) {
      throw new ApiError("amount_too_large", `The amounts are too large: ${error.message}.`, error.figure.startsWith("lines[") ? error.figure : "lines");
    }
    throw error;
  }
}

function checkMethods(methods: readonly string[] | undefined | null, settings: Settings): void {
  methods?.forEach((method, index) => {
    if (!settings.payment_methods.includes(method as Settings["payment_methods"][number])) {
      throw new ApiError("payment_method_not_accepted", `'${method}' is not among your accepted payment methods (settings.payment_methods).`, `payment_methods[${index}]`);
    }
  });
}

async function requireCustomer(db: D1Database, merchantId: string, customerId: string): Promise<void> {
  const found = await db.prepare("SELECT 1 FROM customers WHERE id = ? AND merchant_id = ?").bind(customerId, merchantId).first();
  if (found === null) throw notFound("customer", customerId, "customer");
}

function lineStatements(db: D1Database, invoiceId: string, lines: readonly LineInput[], priced: ReturnType<typeof priceLines>) {
  return lines.map((line, position) =>
    db
      .prepare(
        `INSERT INTO invoice_lines (invoice_id, position, description, quantity_milli, unit_amount, tax_rate, amount_subtotal, amount_tax, amount_total)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(
        invoiceId,
        position,
        line.description,
        priced.inputs[position]!.quantityMilli,
        line.unit_amount,
        line.tax_rate,
        priced.amounts.lines[position]!.subtotal,
        priced.amounts.lines[position]!.tax,
        priced.amounts.lines[position]!.total,
      ),
  );
}

/** The due date an invoice gets when issued today. */
function dueDateAtIssue(row: Pick<InvoiceRow, "due_date" | "net_days">, settings: Settings, now: Date): { dueDate: string; netDays: number | null } {
  if (row.due_date !== null) return { dueDate: row.due_date, netDays: row.net_days };
  const netDays = row.net_days ?? settings.default_terms.net_days;
  return { dueDate: addDays(utcDay(now), netDays), netDays };
}

/** Creates a draft (and issues it in the same batch when `issue` is true). Returns its id and the log it moved. */
export async function createInvoice(db: D1Database, merchantId: string, input: InvoiceCreateInput, now: Date, origin: string): Promise<LogMoved & { invoiceId: string }> {
  await requireCustomer(db, merchantId, input.customer);
  const { settings } = await getSettings(db, merchantId);
  checkMethods(input.payment_methods, settings);
  const priced = priceLines(input.lines);
  const { net_days: _defaultNetDays, ...defaultTerms } = settings.default_terms;
  const terms = { ...defaultTerms, late_fee: settings.late_fees, ...input.terms };
  const id = newId("inv");
  const at = now.toISOString();
  const statements = [
    db
      .prepare(
        `INSERT INTO invoices (id, merchant_id, customer_id, status, currency, subtotal, tax, total, due_date, net_days, terms,
           payment_methods, memo, einvoice, hosted_token, created_at, updated_at)
         VALUES (?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(
        id,
        merchantId,
        input.customer,
        input.currency,
        priced.amounts.subtotal,
        priced.amounts.tax,
        priced.amounts.total,
        input.due_date ?? null,
        input.net_days ?? null,
        JSON.stringify(terms),
        input.payment_methods ? JSON.stringify(input.payment_methods) : null,
        input.memo ?? null,
        input.einvoice ? JSON.stringify(input.einvoice) : null,
        randomBase32(20),
        at,
        at,
      ),
    ...lineStatements(db, id, input.lines, priced),
    appendInvoiceEvent(db, { type: "invoice.created", invoiceId: id, now }),
  ];
  if (input.issue) {
    const { dueDate, netDays } = dueDateAtIssue({ due_date: input.due_date ?? null, net_days: input.net_days ?? null }, settings, now);
    statements.push(
      ...issueStatements(db, { merchantId, invoiceId: id, format: settings.numbering.format, now, dueDate, netDays, seller: frozenSettings(settings) }),
      appendInvoiceEvent(db, { type: "invoice.issued", invoiceId: id, now, accounting: true, extra: { issued_on: utcDay(now), ...documentLinks(origin, "invoice", id) } }),
      ...scheduleInvoiceStatements(db, merchantId, id, dueDate, offsetsOf(settings.reminders, null), now),
    );
  }
  await runBatch(db, statements);
  return { merchantId, invoiceId: id };
}

async function requireInvoice(db: D1Database, merchantId: string, invoiceId: string): Promise<InvoiceRow> {
  const row = await findInvoice(db, merchantId, invoiceId);
  if (row === null) throw notFound("invoice", invoiceId);
  return row;
}

/** Changes a draft. An issued invoice answers 409 invoice_immutable. */
export async function updateDraft(db: D1Database, merchantId: string, invoiceId: string, input: InvoiceUpdateInput, now: Date): Promise<LogMoved> {
  await withRetries(async () => {
    const row = await requireInvoice(db, merchantId, invoiceId);
    if (row.status !== "draft") throw new ApiError("invoice_immutable", `Invoice ${row.number} is issued: its content cannot change. Void it or issue a credit note.`);
    if (input.customer !== undefined) await requireCustomer(db, merchantId, input.customer);
    const { settings } = await getSettings(db, merchantId);
    checkMethods(input.payment_methods, settings);
    const statements = [versionGuard(db, "invoices", row)];
    const dueDate = input.due_date !== undefined ? input.due_date : input.net_days != null ? null : row.due_date;
    const netDays = input.net_days !== undefined ? input.net_days : input.due_date ? null : row.net_days;
    const terms = input.terms === undefined ? row.terms : JSON.stringify({ ...JSON.parse(row.terms), ...input.terms });
    const methods = input.payment_methods === undefined ? row.payment_methods : input.payment_methods && JSON.stringify(input.payment_methods);
    const at = now.toISOString();
    statements.push(
      db
        .prepare(
          `UPDATE invoices SET customer_id = ?, currency = ?, due_date = ?, net_days = ?, terms = ?, payment_methods = ?, memo = ?,
             einvoice = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
        )
        .bind(input.customer ?? row.customer_id, input.currency ?? row.currency, dueDate, netDays, terms, methods,
          input.memo === undefined ? row.memo : input.memo,
          input.einvoice === undefined ? (row.einvoice ?? null) : input.einvoice && JSON.stringify(input.einvoice), at, row.id),
    );
    if (input.lines !== undefined) {
      const priced = priceLines(input.lines);
      statements.push(
        db.prepare("DELETE FROM invoice_lines WHERE invoice_id = ?").bind(row.id),
        ...lineStatements(db, row.id, input.lines, priced),
        db.prepare("UPDATE invoices SET subtotal = ?, tax = ?, total = ? WHERE id = ?").bind(priced.amounts.subtotal, priced.amounts.tax, priced.amounts.total, row.id),
      );
    }
    statements.push(appendInvoiceEvent(db, { type: "invoice.updated", invoiceId: row.id, now }));
    await runBatch(db, statements);
  });
  return { merchantId };
}

/** Issues a draft: number assigned, due date fixed, immutable from then on; the event links its PDF and XML under `origin`. */
export async function issueInvoice(db: D1Database, merchantId: string, invoiceId: string, now: Date, origin: string): Promise<LogMoved> {
  await withRetries(async () => {
    const row = await requireInvoice(db, merchantId, invoiceId);
    if (row.status !== "draft") throw new ApiError("invoice_not_draft", `Invoice ${row.number} is already issued.`);
    const { settings } = await getSettings(db, merchantId);
    const { dueDate, netDays } = dueDateAtIssue(row, settings, now);
    await runBatch(db, [
      versionGuard(db, "invoices", row),
      ...issueStatements(db, { merchantId, invoiceId, format: settings.numbering.format, now, dueDate, netDays, seller: frozenSettings(settings) }),
      appendInvoiceEvent(db, { type: "invoice.issued", invoiceId, now, accounting: true, extra: { issued_on: utcDay(now), ...documentLinks(origin, "invoice", invoiceId) } }),
      ...scheduleInvoiceStatements(db, merchantId, invoiceId, dueDate, offsetsOf(settings.reminders, null), now),
    ]);
  });
  return { merchantId };
}

/** Voids an open invoice on which nothing was paid. */
export async function voidInvoice(db: D1Database, merchantId: string, invoiceId: string, now: Date): Promise<LogMoved> {
  await withRetries(async () => {
    const row = await requireInvoice(db, merchantId, invoiceId);
    if (row.status === "draft" || row.status === "void" || row.status === "uncollectible") {
      throw new ApiError("invoice_not_open", `Only an open invoice can be voided; this one is ${row.status}.`);
    }
    if (row.amount_paid > 0 || row.processing > 0) {
      throw new ApiError("invoice_has_payments", "Payments were received on this invoice: refund them first, or issue a credit note.");
    }
    if (row.amount_credited > 0) {
      throw new ApiError("invoice_has_credit_notes", "Credit notes were issued on this invoice: credit the rest with another credit note instead of voiding it.");
    }
    const at = now.toISOString();
    await runBatch(db, [
      versionGuard(db, "invoices", row),
      db.prepare("UPDATE invoices SET status = 'void', voided_at = ?, updated_at = ?, version = version + 1 WHERE id = ?").bind(at, at, row.id),
      appendInvoiceEvent(db, { type: "invoice.voided", invoiceId, now, accounting: true, extra: { voided_on: utcDay(now) } }),
    ]);
  });
  return { merchantId };
}

/**
 * Writes off an invoice the merchant no longer expects to be paid: it stops being payable (no
 * payment, no reminder) and keeps what was paid. Refused while a payment is in flight.
 */
export async function markUncollectible(db: D1Database, merchantId: string, invoiceId: string, now: Date): Promise<LogMoved> {
  await withRetries(async () => {
    const row = await requireInvoice(db, merchantId, invoiceId);
    if (!isPayable(row.status)) {
      throw new ApiError("invoice_not_open", `Only an open or partially paid invoice can be marked uncollectible; this one is ${row.status}.`);
    }
    if (row.processing > 0) throw new ApiError("invoice_has_payments", "A payment of this invoice is in flight: wait for its outcome first.");
    const at = now.toISOString();
    await runBatch(db, [
      versionGuard(db, "invoices", row),
      db.prepare("UPDATE invoices SET status = 'uncollectible', updated_at = ?, version = version + 1 WHERE id = ?").bind(at, row.id),
      appendInvoiceEvent(db, { type: "invoice.marked_uncollectible", invoiceId, now }),
    ]);
  });
  return { merchantId };
}
