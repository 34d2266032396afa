/**
 * Allocation: one payment settles one or several invoices (batch), and an invoice may be settled
 * by several payments (partial). The payment, its allocations, every invoice's amounts and status
 * and the events land in one batch, guarded by the versions read, so two payments racing for the
 * same invoice can never overpay it (the database's CHECK on amount_paid is the last line).
 */
import type { PaymentCreateInput } from "../../shared/schemas/payments";
import { statusForAmounts, utcDay } from "../../shared/status";
import { guard, runBatch, withRetries } from "../db/batch";
import { appendEvent, appendInvoiceEvent } from "../db/events";
import { ApiError, notFound } from "../errors";
import { newId } from "../lib/crypto";
import type { InvoiceRow } from "../invoices/queries";
import { findPayment, loadAllocations } from "./queries";

/** The statement that moves an invoice's paid amount to `amountPaid`, with the status that follows. */
function setAmountPaid(db: D1Database, invoice: InvoiceRow, amountPaid: number, now: Date): D1PreparedStatement {
  const status = statusForAmounts(invoice.status, invoice.total, amountPaid);
  const at = now.toISOString();
  return db
    .prepare("UPDATE invoices SET amount_paid = ?, status = ?, paid_at = ?, updated_at = ?, version = version + 1 WHERE id = ?")
    .bind(amountPaid, status, status === "paid" ? (invoice.paid_at ?? at) : null, at, invoice.id);
}

const invoiceStill = (db: D1Database, invoice: InvoiceRow) =>
  guard(db, "EXISTS (SELECT 1 FROM invoices WHERE id = ? AND version = ?)", invoice.id, invoice.version);

/** Records an offline payment and allocates it. Returns the payment id. */
export async function recordOfflinePayment(db: D1Database, merchantId: string, input: PaymentCreateInput, now: Date): Promise<string> {
  const seen = new Set<string>();
  input.allocations.forEach((allocation, index) => {
    if (seen.has(allocation.invoice)) {
      throw new ApiError("duplicate_allocation", `Invoice ${allocation.invoice} appears twice; allocate it once.`, `allocations[${index}].invoice`);
    }
    seen.add(allocation.invoice);
  });
  const allocated = input.allocations.reduce((sum, allocation) => sum + allocation.amount, 0);
  if (allocated !== input.amount) {
    throw new ApiError("allocations_do_not_match_amount", `The allocations add up to ${allocated}, the payment is ${input.amount}.`, "allocations");
  }
  const paymentId = newId("pay");
  await withRetries(async () => {
    const { results } = await db
      .prepare("SELECT * FROM invoices WHERE merchant_id = ? AND id IN (SELECT value FROM json_each(?))")
      .bind(merchantId, JSON.stringify(input.allocations.map((allocation) => allocation.invoice)))
      .all<InvoiceRow>();
    const byId = new Map(results.map((row) => [row.id, row]));
    let customerId: string | undefined;
    const invoices = input.allocations.map((allocation, index) => {
      const invoice = byId.get(allocation.invoice);
      const param = `allocations[${index}]`;
      if (invoice === undefined) throw notFound("invoice", allocation.invoice, `${param}.invoice`);
      if (invoice.currency !== input.currency) {
        throw new ApiError("currency_mismatch", `Invoice ${invoice.number ?? invoice.id} is in ${invoice.currency}, the payment in ${input.currency}.`, `${param}.invoice`);
      }
      if (invoice.status !== "open" && invoice.status !== "partially_paid") {
        throw new ApiError("invoice_not_payable", `Invoice ${invoice.number ?? invoice.id} is ${invoice.status}: it cannot receive a payment.`, `${param}.invoice`);
      }
      if (allocation.amount > invoice.total - invoice.amount_paid) {
        throw new ApiError("allocation_exceeds_amount_due", `Invoice ${invoice.number} has ${invoice.total - invoice.amount_paid} due; ${allocation.amount} is too much.`, `${param}.amount`);
      }
      customerId ??= invoice.customer_id;
      if (invoice.customer_id !== customerId) {
        throw new ApiError("customer_mismatch", "One payment settles invoices of a single customer.", `${param}.invoice`);
      }
      return invoice;
    });
    const at = now.toISOString();
    const statements: D1PreparedStatement[] = [
      ...invoices.map((invoice) => invoiceStill(db, invoice)),
      db
        .prepare(
          `INSERT INTO payments (id, merchant_id, customer_id, method, status, amount, currency, reference, received_on, created_at, updated_at)
           VALUES (?, ?, ?, ?, 'succeeded', ?, ?, ?, ?, ?, ?)`,
        )
        .bind(paymentId, merchantId, invoices[0]!.customer_id, input.method, input.amount, input.currency, input.reference ?? null,
          input.received_on ?? utcDay(now), at, at),
    ];
    input.allocations.forEach((allocation, position) => {
      const invoice = invoices[position]!;
      const amountPaid = invoice.amount_paid + allocation.amount;
      statements.push(
        db.prepare("INSERT INTO allocations (payment_id, invoice_id, position, amount) VALUES (?, ?, ?, ?)").bind(paymentId, invoice.id, position, allocation.amount),
        setAmountPaid(db, invoice, amountPaid, now),
        appendInvoiceEvent(db, {
          type: amountPaid >= invoice.total ? "invoice.paid" : "invoice.partially_paid",
          invoiceId: invoice.id,
          paymentId,
          now,
          extra: { amount_allocated: allocation.amount },
        }),
      );
    });
    statements.push(
      appendEvent(db, {
        merchantId,
        type: "payment.succeeded",
        paymentId,
        customerId: invoices[0]!.customer_id,
        data: { amount: input.amount, currency: input.currency, method: input.method, allocations: input.allocations },
        now,
      }),
    );
    await runBatch(db, statements);
  });
  return paymentId;
}

/**
 * Refunds a payment, fully or partly. The refunded amount is taken back from the allocations in
 * reverse order (the last invoice allocated first), and those invoices reopen by that much.
 */
export async function refundPayment(
  db: D1Database,
  merchantId: string,
  paymentId: string,
  input: { amount?: number | undefined; reason?: string | undefined },
  now: Date,
): Promise<void> {
  await withRetries(async () => {
    const payment = await findPayment(db, merchantId, paymentId);
    if (payment === null) throw notFound("payment", paymentId);
    if (payment.status !== "succeeded" && payment.status !== "partially_refunded") {
      throw new ApiError("payment_not_refundable", `This payment is ${payment.status}: nothing to refund.`);
    }
    const refundable = payment.amount - payment.amount_refunded;
    const amount = input.amount ?? refundable;
    if (amount > refundable) throw new ApiError("refund_exceeds_amount", `At most ${refundable} can still be refunded.`, "amount");
    const allocations = await loadAllocations(db, paymentId);
    const { results: invoices } = await db
      .prepare("SELECT * FROM invoices WHERE id IN (SELECT invoice_id FROM allocations WHERE payment_id = ?)")
      .bind(paymentId)
      .all<InvoiceRow>();
    const invoiceById = new Map(invoices.map((invoice) => [invoice.id, invoice]));
    const at = now.toISOString();
    const refundId = newId("re");
    const statements: D1PreparedStatement[] = [
      guard(db, "EXISTS (SELECT 1 FROM payments WHERE id = ? AND version = ?)", payment.id, payment.version),
      ...invoices.map((invoice) => invoiceStill(db, invoice)),
      db.prepare("INSERT INTO refunds (id, payment_id, amount, reason, created_at) VALUES (?, ?, ?, ?, ?)").bind(refundId, paymentId, amount, input.reason ?? null, at),
      db
        .prepare("UPDATE payments SET amount_refunded = ?, status = ?, updated_at = ?, version = version + 1 WHERE id = ?")
        .bind(payment.amount_refunded + amount, amount === refundable ? "refunded" : "partially_refunded", at, paymentId),
    ];
    let left = amount;
    for (const allocation of [...allocations].reverse()) {
      const part = Math.min(left, allocation.amount - allocation.amount_refunded);
      if (part <= 0) continue;
      left -= part;
      const invoice = invoiceById.get(allocation.invoice_id)!;
      statements.push(
        db.prepare("UPDATE allocations SET amount_refunded = amount_refunded + ? WHERE payment_id = ? AND invoice_id = ?").bind(part, paymentId, invoice.id),
        setAmountPaid(db, invoice, invoice.amount_paid - part, now),
        appendInvoiceEvent(db, { type: "invoice.reopened", invoiceId: invoice.id, paymentId, now, extra: { amount_refunded: part } }),
      );
    }
    statements.push(
      appendEvent(db, {
        merchantId,
        type: "payment.refunded",
        paymentId,
        customerId: payment.customer_id,
        data: { refund: refundId, amount, currency: payment.currency, amount_refunded: payment.amount_refunded + amount, reason: input.reason ?? null },
        now,
      }),
    );
    await runBatch(db, statements);
  });
}

